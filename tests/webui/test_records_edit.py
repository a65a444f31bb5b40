"""Master data on a form: suppliers, customers, items and budgets entered and changed by whoever may import
them, validated like the import, unique codes kept, concurrent edits refused, every change in the audit log."""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from engine import AuditEntry
from modules.finance import Budget
from modules.inventory import Item
from modules.procurement import Supplier
from webui.extensions import db

Login = Callable[..., FlaskClient]
SUPPLIER = {"code": "S-700", "name": "杭州新材料", "category": "raw_materials", "contact": "王工", "phone": "",
            "email": "sales@xcl.example", "rating": "4", "status": "active", "bank_account": "6222 0000 7777 1234"}


def _version(page: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]+)"', page)
    assert found, "the edit form carries the record's version"
    return found.group(1)


def _audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_procurement_manager_creates_a_supplier_kept_encrypted_and_audited(app: Flask, login: Login) -> None:
    ivy = login("ivy")
    assert 'data-testid="new-record"' in ivy.get("/procurement/suppliers").get_data(as_text=True)
    assert ivy.get("/procurement/suppliers/new").status_code == 200
    response = ivy.post("/procurement/suppliers/new", data=SUPPLIER)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        supplier = db.session.scalar(select(Supplier).where(Supplier.code == "S-700"))
        assert (supplier.name, supplier.rating, supplier.bank_account) == ("杭州新材料", 4, "6222 0000 7777 1234")
        [stored] = db.session.execute(text("SELECT bank_account FROM procurement_suppliers WHERE code = 'S-700'"))
        assert "7777" not in str(stored[0]), "the bank account stays encrypted at rest"
    [entry] = _audit(app, "records.create")
    assert entry.actor == "ivy" and entry.target == "procurement.suppliers" and entry.detail["key"] == "S-700"
    assert entry.detail["changed"]["name"] == [None, "杭州新材料"]
    assert "7777" not in str(entry.detail), "the audit log says the bank account was set, never what it is"


def test_a_bad_value_is_named_by_its_field_and_nothing_is_written(app: Flask, login: Login) -> None:
    ivy = login("ivy", "zh_CN")
    response = ivy.post("/procurement/suppliers/new", data={**SUPPLIER, "name": "", "email": "nobody"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="error-name"' in page and 'data-testid="error-email"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Supplier).where(Supplier.code == "S-700")) == 0
    assert _audit(app, "records.create") == []


def test_a_code_already_taken_is_refused_clearly(app: Flask, login: Login) -> None:
    ivy = login("ivy")
    response = ivy.post("/procurement/suppliers/new", data={**SUPPLIER, "code": "S-001"})
    assert response.status_code == 422
    assert "S-001 is already taken" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Supplier.name).where(Supplier.code == "S-001")) != "杭州新材料"


def test_an_item_is_edited_with_old_and_new_values_in_the_audit_log(app: Flask, login: Login) -> None:
    grace = login("grace")  # the warehouse
    with app.app_context():
        item = db.session.scalars(select(Item).order_by(Item.code)).first()
        code, old_name = item.code, item.name
    form = grace.get(f"/inventory/items/item/{code}/edit").get_data(as_text=True)
    values = {"code": "IGNORED", "name": "新名称", "category": "office", "unit": "box", "unit_cost": "12.5",
              "preferred_supplier": "", "status": "active", "version": _version(form)}
    response = grace.post(f"/inventory/items/item/{code}/edit", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.code == code))
        assert (item.name, item.unit, float(item.unit_cost)) == ("新名称", "box", 12.5), "the key stays as it was"
    [entry] = _audit(app, "records.edit")
    assert entry.detail["key"] == code and entry.detail["changed"]["name"] == [old_name, "新名称"]


def test_an_edit_of_a_record_changed_meanwhile_is_refused_with_409(app: Flask, login: Login) -> None:
    ivy = login("ivy")
    stale = _version(ivy.get("/procurement/suppliers/item/S-001/edit").get_data(as_text=True))
    first = ivy.post("/procurement/suppliers/item/S-001/edit", data={**SUPPLIER, "name": "First", "version": stale})
    assert first.status_code == 302
    second = ivy.post("/procurement/suppliers/item/S-001/edit", data={**SUPPLIER, "name": "Second", "version": stale})
    assert second.status_code == 409
    assert "Someone else changed this record" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Supplier.name).where(Supplier.code == "S-001")) == "First"


def test_a_budget_for_a_department_and_year_that_has_one_is_refused(app: Flask, login: Login) -> None:
    carol = login("carol")  # a finance director
    with app.app_context():
        budget = db.session.scalars(select(Budget)).first()
        department, period = budget.department, budget.period
    response = carol.post("/finance/budgets/new", data={"department": department, "period": period, "amount": "1"})
    assert response.status_code == 422
    assert f"{department} / {period} is already taken" in response.get_data(as_text=True)
    response = carol.post("/finance/budgets/new", data={"department": department, "period": "26", "amount": "1"})
    assert response.status_code == 422 and 'data-testid="error-period"' in response.get_data(as_text=True)
    response = carol.post("/finance/budgets/new", data={"department": department, "period": "2031", "amount": "5000"})
    assert response.status_code == 302


def test_who_may_only_read_the_list_may_not_open_its_forms(app: Flask, login: Login) -> None:
    henry = login("henry")  # a buyer: reads suppliers, does not keep them
    assert 'data-testid="new-record"' not in henry.get("/procurement/suppliers").get_data(as_text=True)
    assert 'data-testid="edit-record"' not in henry.get("/procurement/suppliers/item/S-001").get_data(as_text=True)
    assert henry.get("/procurement/suppliers/new").status_code == 403
    assert henry.post("/procurement/suppliers/new", data=SUPPLIER).status_code == 403
    assert henry.post("/procurement/suppliers/item/S-001/edit", data=SUPPLIER).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Supplier).where(Supplier.code == "S-700")) == 0


def test_a_requester_finds_active_suppliers_by_name_with_their_rating_a_page_at_a_time(
        app: Flask, login: Login) -> None:
    alice = login("alice")
    with app.app_context():
        active = list(db.session.scalars(select(Supplier).where(Supplier.status == "active")))
        db.session.add_all([Supplier(code=f"S-6{n:02}", name=f"Batch 供应商 {n}", category="other", rating=2,
                                     status="active") for n in range(12)]
                           + [Supplier(code="S-699", name="Batch pending", category="other", status="pending")])
        some = {"code": active[0].code, "name": active[0].name, "category": active[0].category,
                "rating": active[0].rating}
        db.session.commit()
    found = alice.get("/requests/suppliers.json", query_string={"q": some["name"][:4].lower()}).get_json()
    assert some in found["suppliers"]
    first = alice.get("/requests/suppliers.json", query_string={"q": "batch"}).get_json()
    second = alice.get("/requests/suppliers.json", query_string={"q": "batch", "page": 2}).get_json()
    assert (len(first["suppliers"]), first["more"], len(second["suppliers"]), second["more"]) == (10, True, 2, False)
    codes = {s["code"] for s in first["suppliers"] + second["suppliers"]}
    assert len(codes) == 12 and "S-699" not in codes, "only active suppliers, each once"
    assert "bank_account" not in str(first) and "contact" not in str(first)
    assert alice.get("/requests/suppliers.json", query_string={"page": 0}).status_code == 400
    assert alice.get("/requests/suppliers.json", query_string={"q": "x" * 101}).status_code == 400


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'data-testid="error-{name}">(.*?)</p>', page)
    assert found, f"an error is shown beside {name}"
    return found.group(1)


def test_a_chinese_reader_sees_each_refused_field_named_and_explained_in_chinese(login: Login) -> None:
    response = login("ivy", "zh_CN").post("/procurement/suppliers/new",
                                          data={**SUPPLIER, "name": "", "email": "nobody", "rating": "9"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _field_error(page, "name") == "名称: 此项为必填项。"
    assert _field_error(page, "email") == "邮箱: “nobody”不是有效的电子邮件地址。"
    assert _field_error(page, "rating") == "评级: 不能大于 5。"
    budget = login("carol", "zh_CN").post("/finance/budgets/new",
                                          data={"department": "IT", "period": "26年", "amount": "多", "note": ""})
    assert budget.status_code == 422
    page = budget.get_data(as_text=True)
    assert _field_error(page, "period") == "年度: 请输入年份，例如 2026，而不是“26年”。"
    assert _field_error(page, "amount") == "预算: “多”不是数字。"


def test_an_english_reader_sees_the_same_refusals_in_english(login: Login) -> None:
    response = login("ivy").post("/procurement/suppliers/new", data={**SUPPLIER, "name": "", "rating": "x"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _field_error(page, "name") == "Name: This field is required."
    assert _field_error(page, "rating") == "Rating: “x” is not a number."
