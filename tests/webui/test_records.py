"""Module record screens: lists with search, filters and pagination, details, Excel export.

Runs on the demo company that `prepare` seeds (suppliers, customers, items, budgets, orders).
"""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from modules.procurement import Supplier
from webui.extensions import db

Login = Callable[..., FlaskClient]



def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))


def test_records_overview_links_every_module_list(login: Login) -> None:
    html = login("admin").get("/records").get_data(as_text=True)
    for name in ("suppliers", "customers", "items", "stock", "employees", "departments", "budgets",
                 "payments", "invoices", "orders", "purchase_orders", "work_orders", "bom", "quality_checks",
                 "ledger", "reminders", "positions", "candidates", "interviews", "trainings", "reviews"):
        assert f'data-testid="records-{name}"' in html, name


def test_supplier_list_searches_and_filters(login: Login) -> None:
    client = login("ivy")
    html = client.get("/procurement/suppliers").get_data(as_text=True)
    assert html.count('data-testid="record-row"') == 10  # seven demo suppliers and three from onboarding
    assert "联想 Lenovo" in html and "★★★★★" in html
    found = client.get("/procurement/suppliers?q=lenovo").get_data(as_text=True)
    assert found.count('data-testid="record-row"') == 1 and 'data-key="S-001"' in found
    inactive = client.get("/procurement/suppliers?status=inactive").get_data(as_text=True)
    assert inactive.count('data-testid="record-row"') == 1 and 'data-key="S-007"' in inactive
    it = client.get("/procurement/suppliers?category=it&q=hua").get_data(as_text=True)
    assert it.count('data-testid="record-row"') == 1 and 'data-key="S-003"' in it
    assert client.get("/procurement/suppliers?status=bogus").status_code == 400


def test_list_pages_through_many_records(app: Flask, login: Login) -> None:
    with app.app_context():
        for n in range(40):
            db.session.add(Supplier(code=f"Z-{n:03d}", name=f"Zeta {n}", category="other", status="active"))
        db.session.commit()
    client = login("ivy")
    first = client.get("/procurement/suppliers?q=zeta").get_data(as_text=True)
    assert first.count('data-testid="record-row"') == 25 and "Page 1 of 2" in first
    assert 'href="/procurement/suppliers?page=2&amp;q=zeta"' in first, "the pager keeps the search"
    second = client.get("/procurement/suppliers?q=zeta&page=2").get_data(as_text=True)
    assert second.count('data-testid="record-row"') == 15


def test_detail_page_shows_every_field_and_404s_for_unknown(login: Login) -> None:
    client = login("erin")
    html = client.get("/sales/customers/item/C001").get_data(as_text=True)
    assert "华东电子 East China Electronics" in html and "300,000.00" in html
    assert client.get("/sales/customers/item/NOPE").status_code == 404


def test_export_gives_the_filtered_list_as_xlsx(login: Login) -> None:
    client = login("ivy")
    response = client.get("/procurement/suppliers/export.xlsx?category=office")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = _sheet(response.data)
    assert rows[0][:3] == ("Code", "Name", "Category")
    assert sorted(r[0] for r in rows[1:]) == ["S-002", "S-004"]
    stock = _sheet(client.get("/inventory/stock/export.xlsx").data)
    assert ("LAP-X1", "SH-01", 35, 0) in stock, "40 seeded, 5 shipped by the demo order"


def test_flows_write_records_the_lists_show(login: Login) -> None:
    client = login("carol")
    orders = client.get("/sales/orders?status=completed").get_data(as_text=True)
    assert orders.count('data-testid="record-row"') == 1
    invoices = client.get("/finance/invoices").get_data(as_text=True)
    assert invoices.count('data-testid="record-row"') == 2  # the shipped order and the one waiting to ship
    payments = _sheet(client.get("/finance/payments/export.xlsx?q=frank").data)
    assert [(r[1], r[2]) for r in payments[1:]] == [("frank", 1500)], "the paid expense claim"
    budgets = client.get("/finance/budgets").get_data(as_text=True)
    assert budgets.count('data-testid="record-row"') == 7
    checks = _sheet(login("kevin").get("/production/quality_checks/export.xlsx").data)
    assert sorted((r[2], r[3]) for r in checks[1:]) == [(1, "fail"), (2, "pass")], "the demo rework loop"
