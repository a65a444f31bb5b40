"""Procurement screens on the demo company: purchase orders with their lines and contract, contracts, requisitions.

The demo has contracts for this year, an approved request of three lines from 联想 Lenovo (under its
framework agreement), and an onboarding cancelled half-way.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from engine import utcnow
from modules.procurement import Contract, PurchaseOrder, PurchaseRequisition
from webui.extensions import db

Login = Callable[..., FlaskClient]
YEAR = utcnow().year
LENOVO_CONTRACT = f"HC-CG-{YEAR}-001"


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _kit(app: Flask) -> PurchaseOrder:
    with app.app_context():
        return db.session.scalar(select(PurchaseOrder).where(PurchaseOrder.supplier == "联想 Lenovo"))


def test_the_order_page_lists_its_lines_and_links_its_contract(app: Flask, login: Login) -> None:
    kit = _kit(app)
    client = login("henry")
    listing = client.get("/procurement/purchase_orders?q=lenovo").get_data(as_text=True)
    assert listing.count('data-testid="record-row"') == 1 and f'data-key="{kit.number}"' in listing
    assert f'href="/procurement/contracts/item/{LENOVO_CONTRACT}"' in listing
    html = client.get(f"/procurement/purchase_orders/item/{kit.number}").get_data(as_text=True)
    assert 'data-key="contract_number"' in html and f">{LENOVO_CONTRACT}</a>" in html
    lines = html.split('data-testid="related-lines"')[1].split("</section>")[0]
    assert lines.count('data-testid="related-row"') == 3
    for text in ("LAP-X1", "ThinkPad X1 笔记本电脑", "29,400.00", "DOCK-U", "无线键鼠套装", "套", "597.00"):
        assert text in lines, text
    assert "31,347.00" in html, "the order's amount is the sum of its lines"


def test_the_order_export_counts_lines_and_lists_them_on_a_second_sheet(app: Flask, login: Login) -> None:
    kit = _kit(app)
    sheets = _sheets(login("henry").get("/procurement/purchase_orders/export.xlsx?q=lenovo").data)
    assert list(sheets) == ["purchase_orders", "lines"]
    header, *orders = sheets["purchase_orders"]
    assert header[:8] == ("Number", "Items", "Supplier", "Lines", "Quantity", "Amount", "Contract", "Department")
    items = "ThinkPad X1 笔记本电脑, USB-C 扩展坞, 无线键鼠套装"
    assert [row[:8] for row in orders] == [(kit.number, items, "联想 Lenovo", 3, 9, 31347, LENOVO_CONTRACT, "Sales")]
    assert sheets["lines"] == [
        ("Number", "Line", "Item code", "Item", "Quantity", "Unit", "Unit price", "Amount"),
        (kit.number, 1, "LAP-X1", "ThinkPad X1 笔记本电脑", 3, "pcs", 9800, 29400),
        (kit.number, 2, "DOCK-U", "USB-C 扩展坞", 3, "pcs", 450, 1350),
        (kit.number, 3, None, "无线键鼠套装", 3, "套", 199, 597),  # an empty cell: no item code
    ]
    everything = _sheets(login("henry").get("/procurement/purchase_orders/export.xlsx").data)
    assert len(everything["purchase_orders"]) == 3 and len(everything["lines"]) == 1 + 3 + 1, \
        "two orders: the three-line kit and a one-line request"


def test_contracts_search_filter_and_show_their_orders(app: Flask, login: Login) -> None:
    client = login("henry")
    html = client.get("/procurement/contracts").get_data(as_text=True)
    assert html.count('data-testid="record-row"') == 6
    found = client.get("/procurement/contracts?q=lenovo").get_data(as_text=True)  # by the supplier's name
    assert found.count('data-testid="record-row"') == 1 and f'data-key="{LENOVO_CONTRACT}"' in found
    expired = client.get("/procurement/contracts?status=expired").get_data(as_text=True)
    assert expired.count('data-testid="record-row"') == 1 and f'data-key="HC-CG-{YEAR - 1}-004"' in expired
    assert client.get("/procurement/contracts?status=signed").status_code == 400
    detail = client.get(f"/procurement/contracts/item/{LENOVO_CONTRACT}").get_data(as_text=True)
    assert "1,500,000.00" in detail and "联想 Lenovo" in detail and 'href="/procurement/suppliers/item/S-001"' in detail
    assert "31,347.00" in detail.split("Ordered under it")[1], "what its orders add up to, beside the cap"
    orders = detail.split('data-testid="related-orders"')[1].split("</section>")[0]
    assert orders.count('data-testid="related-row"') == 1 and _kit(app).number in orders
    assert client.get("/procurement/contracts/item/NOPE").status_code == 404
    sheets = _sheets(client.get("/procurement/contracts/export.xlsx?status=active").data)
    assert sorted(r[0] for r in sheets["contracts"][1:]) == [f"HC-CG-{YEAR}-00{n}" for n in (1, 2, 3)]


def test_a_supplier_page_lists_its_contracts_and_a_cancelled_onboarding_is_not_pending(login: Login) -> None:
    client = login("henry")
    html = client.get("/procurement/suppliers/item/S-001").get_data(as_text=True)
    contracts = html.split('data-testid="related-contracts"')[1].split("</section>")[0]
    assert f'href="/procurement/contracts/item/{LENOVO_CONTRACT}"' in contracts
    cancelled = client.get("/procurement/suppliers?status=cancelled").get_data(as_text=True)
    assert cancelled.count('data-testid="record-row"') == 1 and 'data-key="S-103"' in cancelled
    pending = client.get("/procurement/suppliers?status=pending").get_data(as_text=True)
    assert pending.count('data-testid="record-row"') == 1 and 'data-key="S-101"' in pending


def test_a_requisition_from_a_short_order_shows_its_line(app: Flask, login: Login) -> None:
    with app.app_context():
        req = db.session.scalar(select(PurchaseRequisition))
    html = login("henry").get(f"/procurement/requisitions/item/{req.id}").get_data(as_text=True)
    lines = html.split('data-testid="related-lines"')[1].split("</section>")[0]
    assert lines.count('data-testid="related-row"') == 1 and "机架服务器 rack server" in lines


CONTRACT_HEADER = ["Number", "Supplier_code", "Title", "Valid_from", "Valid_to", "Amount_cap", "Status"]
CONTRACT_ROWS = [
    ["HC-CG-2031-001", "S-002", "文具框架协议", date(2031, 1, 1), date(2031, 12, 31), 80000, "active"],
    ["HC-CG-2031-002", "S-999", "Unknown supplier", "2031-01-01", "2031-12-31", 1000, "active"],
    ["HC-CG-2031-003", "S-001", "Backwards", "2031-06-01", "2031-01-01", 1000, "signed"],
    ["HC-CG-2031-001", "S-002", "Twice", "2031-01-01", "2031-12-31", 1, ""],
    [LENOVO_CONTRACT, "S-001", "笔记本电脑框架协议（续）", date(YEAR, 1, 1), date(YEAR + 1, 12, 31), 2000000, "active"],
]


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    wb.active.append(CONTRACT_HEADER)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _contracts(app: Flask) -> dict[str, Contract]:
    with app.app_context():
        return {c.number: c for c in db.session.scalars(select(Contract))}


def test_contract_import_reports_each_bad_row_and_writes_all_or_only_the_valid(app: Flask, login: Login) -> None:
    client = login("ivy")
    refused = client.post("/procurement/contracts/import", data={"file": (_xlsx(CONTRACT_ROWS), "c.xlsx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Nothing was imported: 3 of 5 rows were rejected" in html
    assert 'data-row="3"' in html and "Supplier code: There is no supplier S-999." in html
    assert 'data-row="4"' in html and "Valid to: Must not be before Valid from." in html
    assert "Status: “signed” is not one of: draft, active, expired, terminated." in html
    assert 'data-row="5"' in html and "is already in row 2 of this file" in html
    assert "HC-CG-2031-001" not in _contracts(app)

    done = client.post("/procurement/contracts/import", content_type="multipart/form-data",
                       data={"file": (_xlsx(CONTRACT_ROWS), "c.xlsx"), "mode": "valid_rows"})
    assert done.status_code == 200
    assert "1 created, 1 updated, 3 rejected of 5 rows." in done.get_data(as_text=True)
    rows = _contracts(app)
    new, renewed = rows["HC-CG-2031-001"], rows[LENOVO_CONTRACT]
    assert (new.supplier_code, new.valid_from, float(new.amount_cap), new.status) == \
           ("S-002", date(2031, 1, 1), 80000, "active")
    assert (renewed.title, renewed.valid_to, float(renewed.amount_cap)) == \
           ("笔记本电脑框架协议（续）", date(YEAR + 1, 12, 31), 2000000)
    template = load_workbook(io.BytesIO(client.get("/procurement/contracts/template.xlsx").data)).worksheets[0]
    assert next(template.iter_rows(values_only=True)) == tuple(h.lower() for h in CONTRACT_HEADER)


def test_a_record_found_by_its_number_key_and_an_unknown_one(login: Login) -> None:
    client = login("henry")
    assert client.get("/procurement/requisitions/item/999").status_code == 404
    assert client.get("/procurement/requisitions/item/abc").status_code == 404, "not a number: no such record"
