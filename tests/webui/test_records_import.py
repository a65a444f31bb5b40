"""Excel import of master data with a real .xlsx: good rows and bad rows, all or nothing or the valid ones."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from engine import AuditEntry
from modules.hr import Employee
from modules.inventory import Item
from modules.procurement import Supplier
from modules.sales import Customer
from webui.extensions import db

Login = Callable[..., FlaskClient]


SUPPLIER_HEADER = ["Code", "Name", "Category", "Contact", "Phone", "Email", "Rating", "Status"]
SUPPLIER_ROWS = [
    ["S-201", "宁波海天塑料", "raw_materials", "方经理", "0574-1111", "sales@ht.example", 4, "active"],
    ["S-202", "", "it", "", "", "", 3, ""],                                     # no name
    ["S-203", "Good Office Co", "office", "Amy", "", "amy@good.example", 7, "active"],  # rating 7
    [None, None, None, None, None, None, None, None],                         # blank line: skipped
    ["S-204", "Fast Freight", "shipping", "", "", "not-an-email", "x", ""],   # category, email, rating
    ["S-201", "Dup", "it", "", "", "", 3, ""],                                 # repeats row 2
    ["S-001", "联想 Lenovo (updated)", "it", "新联系人", "", "", 5, "active"],  # existing supplier: updated
]


def xlsx(header: list[str], rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def post(client, path: str, data: io.BytesIO, mode: str | None = None):
    form: dict[str, Any] = {"file": (data, "import.xlsx")}
    if mode:
        form["mode"] = mode
    return client.post(path, data=form, content_type="multipart/form-data")


def suppliers(app: Flask) -> dict[str, Supplier]:
    with app.app_context():
        return {s.code: s for s in db.session.scalars(select(Supplier))}


def test_all_or_nothing_rejects_the_file_and_reports_each_bad_row(app: Flask, login: Login) -> None:
    before = suppliers(app)
    response = post(login("ivy"), "/procurement/suppliers/import", xlsx(SUPPLIER_HEADER, SUPPLIER_ROWS))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 4 of 6 rows were rejected" in html
    assert 'data-row="3"' in html and "Name: This field is required." in html
    assert 'data-row="4"' in html and "Rating: Must be at most 5." in html
    assert 'data-row="6"' in html and "Category: “shipping” is not one of: it, office, raw_materials," in html
    assert "E-mail (email): “not-an-email” is not an e-mail address." in html
    assert "Rating: “x” is not a number." in html
    assert 'data-row="7"' in html and "Code: S-201 is already in row 2 of this file." in html
    after = suppliers(app)
    assert set(after) == set(before) and after["S-001"].name == "联想 Lenovo", "nothing half-imported"


def test_importing_the_valid_rows_writes_them_and_reports_the_rest(app: Flask, login: Login) -> None:
    response = post(login("ivy"), "/procurement/suppliers/import", xlsx(SUPPLIER_HEADER, SUPPLIER_ROWS),
                    mode="valid_rows")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1 created, 1 updated, 4 rejected of 6 rows." in html
    rows = suppliers(app)
    assert (rows["S-201"].name, rows["S-201"].rating, rows["S-201"].category) == ("宁波海天塑料", 4, "raw_materials")
    assert (rows["S-001"].name, rows["S-001"].contact) == ("联想 Lenovo (updated)", "新联系人")
    assert not {"S-202", "S-203", "S-204"} & set(rows)


def test_importing_the_same_file_twice_updates_instead_of_duplicating(app: Flask, login: Login) -> None:
    good = [["C100", "成都蓝天商贸", "sme", "", "", "成都", 60000, "active"]]
    header = ["code", "name", "segment", "contact", "phone", "city", "credit_limit", "status"]
    client = login("erin")
    assert post(client, "/sales/customers/import", xlsx(header, good)).status_code == 200
    again = post(client, "/sales/customers/import", xlsx(header, good))
    assert "0 created, 1 updated, 0 rejected of 1 rows." in again.get_data(as_text=True)
    with app.app_context():
        [row] = db.session.scalars(select(Customer).where(Customer.code == "C100")).all()
        assert float(row.credit_limit) == 60000


def test_item_and_employee_imports_check_their_own_rules(app: Flask, login: Login) -> None:
    client = login("grace")  # the warehouse keeps the item master
    items = xlsx(["code", "name", "unit", "unit_cost"],
                 [["KB-1", "Keyboard", "pcs", 99], ["KB-2", "Mouse", "tons", -1]])
    html = post(client, "/inventory/items/import", items).get_data(as_text=True)
    assert "Unit: “tons” is not one of: pcs," in html and "Unit cost: Must be at least 0." in html
    people = xlsx(["number", "name", "department", "hired_on"],
                  [["E0100", "新同事", "IT", "2026-11-02"], ["E0101", "Nobody", "Marketing", "02/11/2026"]])
    response = post(login("lily"), "/hr/employees/import", people, mode="valid_rows")
    html = response.get_data(as_text=True)
    assert "There is no department “Marketing”." in html and "“02/11/2026” is not a date" in html
    with app.app_context():
        assert db.session.scalar(select(Employee.name).where(Employee.number == "E0100")) == "新同事"
        assert db.session.scalar(select(Item.id).where(Item.code == "KB-1")) is None, "all or nothing"


def test_a_file_that_is_not_a_workbook_is_refused_clearly(login: Login) -> None:
    response = post(login("ivy"), "/procurement/suppliers/import", io.BytesIO(b"code,name\nS-1,x\n"))
    assert response.status_code == 400
    assert "not an Excel workbook" in response.get_data(as_text=True)


def test_only_the_keepers_of_the_master_data_may_import(login: Login) -> None:
    for who in ("alice", "bob", "henry"):  # a requester, another department's manager, a buyer
        client = login(who)
        assert client.get("/procurement/suppliers/import").status_code == 403, who
        refused = post(client, "/procurement/suppliers/import", xlsx(SUPPLIER_HEADER, SUPPLIER_ROWS))
        assert refused.status_code == 403 and "宁波海天塑料" not in refused.get_data(as_text=True), who
    assert 'data-testid="import"' not in login("henry").get("/procurement/suppliers").get_data(as_text=True)
    assert 'data-testid="import"' in login("ivy").get("/procurement/suppliers").get_data(as_text=True)


def test_the_template_has_the_import_columns(login: Login) -> None:
    from openpyxl import load_workbook
    data = login("lily").get("/hr/employees/template.xlsx").data
    header = next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert header == ("number", "name", "department", "position", "email", "username", "hired_on", "status")


def test_an_import_is_in_the_audit_log_with_who_and_what_it_changed(app: Flask, login: Login) -> None:
    response = post(login("ivy"), "/procurement/suppliers/import", xlsx(SUPPLIER_HEADER, SUPPLIER_ROWS),
                    mode="valid_rows")
    assert response.status_code == 200
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "records.import")).all()
    assert (entry.actor, entry.target, entry.detail["created"], entry.detail["updated"]) == (
        "ivy", "procurement.suppliers", 1, 1)
    changes = entry.detail["changes"]
    assert changes["S-201"]["created"]["status"] == "active" and changes["S-201"]["created"]["rating"] == 4
    assert changes["S-001"]["name"] == ["联想 Lenovo", "联想 Lenovo (updated)"]
    refused = post(login("bob"), "/procurement/suppliers/import", xlsx(SUPPLIER_HEADER, SUPPLIER_ROWS))
    assert refused.status_code == 403
    with app.app_context():
        imports = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "records.import")
        assert db.session.scalar(imports) == 1, "a refusal writes nothing"


def _rejected(html: str) -> dict[int, str]:
    """Row number → the reasons the report gives for it, as the reader sees them."""
    import re
    return {int(row): re.sub(r"<[^>]+>", "", cells)
            for row, cells in re.findall(r'data-testid="rejected-row" data-row="(\d+)">(.*?)</tr>', html)}


def test_a_chinese_reader_is_told_each_reason_in_chinese_naming_the_column_and_row(login: Login) -> None:
    response = post(login("ivy", "zh_CN"), "/procurement/suppliers/import", xlsx(SUPPLIER_HEADER, SUPPLIER_ROWS))
    assert response.status_code == 422
    rows = _rejected(response.get_data(as_text=True))
    assert "名称（name）：此项为必填项。" in rows[3]
    assert "评级（rating）：不能大于 5。" in rows[4]
    assert "类别（category）：“shipping”不在可选值中：it，办公（office），原材料（raw_materials）" in rows[6]
    assert "评级（rating）：“x”不是数字。" in rows[6]
    assert "邮箱（email）：“not-an-email”不是有效的电子邮件地址。" in rows[6]
    assert "编号（code）：S-201 已在本文件第 2 行出现。" in rows[7]
    assert not any(english in " ".join(rows.values()) for english in ("required", "must be", "is not a", "repeats"))


def test_item_budget_and_customer_reasons_reach_a_chinese_reader_in_chinese(login: Login) -> None:
    items = xlsx(["code", "name", "unit", "unit_cost"], [["KB-2", "Mouse", "tons", "很多"], ["KB-3", "", "pcs", -1]])
    rows = _rejected(post(login("grace", "zh_CN"), "/inventory/items/import", items).get_data(as_text=True))
    assert "单位（unit）：“tons”不在可选值中：pcs" in rows[2] and "“很多”不是数字。" in rows[2]
    assert "名称（name）：此项为必填项。" in rows[3] and "不能小于 0。" in rows[3]
    customers = xlsx(["code", "name", "segment", "credit_limit"], [["C9", "某公司", "sme", 1e13]])
    rows = _rejected(post(login("erin", "zh_CN"), "/sales/customers/import", customers).get_data(as_text=True))
    assert "须在 -1,000,000,000,000 到 1,000,000,000,000 之间。" in rows[2]
