"""Sales order screens: entering an order of several lines, the order list, the order page with its lines,
progress and the purchases its short lines started, and the export with a lines sheet.

Runs on the demo company, whose short order (C001, four lines, servers short) waits for a purchase.
"""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine import Actor, ProcessInstance, WorkflowEngine
from modules.sales import SalesOrder, order_lines
from webui.extensions import db

Login = Callable[..., FlaskClient]
LINES = {"item_code": ["LAP-X1", "", "DOCK-U", "MON-27"], "quantity": ["2", "", "3", "1"],
         "unit_price": ["12800", "", "599", "1690"]}  # the blank row is skipped


def _order(app: Flask, **where: str) -> SalesOrder:
    with app.app_context():
        return db.session.scalar(select(SalesOrder).filter_by(**where).order_by(SalesOrder.id.desc()))


def _instances(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessInstance))


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_an_order_of_several_lines_entered_on_the_page_runs_order_handling(app: Flask, login: Login) -> None:
    frank = login("frank")
    page = frank.get("/sales/orders/new").get_data(as_text=True)
    assert 'name="customer_code"' in page and 'name="warehouse"' in page
    assert page.count('data-testid="line-row"') == 1 and 'data-testid="add-line"' in page
    response = frank.post("/sales/orders/new", data={"customer_code": "C003", "warehouse": "SZ-01", **LINES})
    assert response.status_code == 302 and "/sales/orders/item/SO-" in response.headers["Location"]
    order = _order(app, customer_code="C003")
    assert (float(order.amount), order.items, order.entered_by) == (29087, "LAP-X1 ×2, DOCK-U ×3, MON-27 ×1", "frank")
    with app.app_context():
        assert [(x.line_no, x.item_code, x.quantity, x.reserved) for x in order_lines(db.session, order.id)] == [
            (1, "LAP-X1", 2, 2), (2, "DOCK-U", 3, 3), (3, "MON-27", 1, 1)]
    shown = frank.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Sales order {order.number} entered." in shown and shown.count('data-testid="order-line"') == 3


def test_a_one_item_order_posts_as_before(app: Flask, login: Login) -> None:
    response = login("frank").post("/sales/orders/new", data={
        "customer_code": "C003", "item_code": "DOCK-U", "quantity": "3", "unit_price": "599", "warehouse": "SZ-01"})
    assert response.status_code == 302
    order = _order(app, customer_code="C003")
    assert (order.items, float(order.amount)) == ("DOCK-U ×3", 1797)


def test_bad_lines_are_named_beside_their_cells_and_nothing_starts(app: Flask, login: Login) -> None:
    before = _instances(app)
    response = login("frank").post("/sales/orders/new", data={
        "customer_code": "C003", "warehouse": "X", "item_code": ["DOCK-U", "NOPE"], "quantity": ["0", "1"],
        "unit_price": ["599", "abc"]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for cell in ("error-1-quantity", "error-2-item_code", "error-2-unit_price", "error-warehouse"):
        assert f'data-testid="{cell}"' in html, cell
    assert "Must be at least 1." in html and 'value="NOPE"' in html, "what was typed stays"
    empty = login("frank").post("/sales/orders/new", data={"customer_code": "C999", "warehouse": "SH-01"})
    assert empty.status_code == 422
    assert 'data-testid="error-lines"' in empty.get_data(as_text=True)
    assert 'data-testid="error-customer_code"' in empty.get_data(as_text=True)
    assert _instances(app) == before


def test_add_line_without_javascript_keeps_the_rows_and_adds_one(login: Login) -> None:
    response = login("frank").post("/sales/orders/new", data={"customer_code": "C003", "add_line": "1",
                                                               "item_code": "DOCK-U", "quantity": "3",
                                                               "unit_price": "599"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count('data-testid="line-row"') == 2 and 'value="DOCK-U"' in html


def test_the_order_list_shows_items_and_searches_and_filters_them(login: Login) -> None:
    client = login("erin")
    html = client.get("/sales/orders").get_data(as_text=True)
    assert html.count('data-testid="record-row"') == 5 and "SRV-R ×4, MON-27 ×4, DOCK-U ×4, LAP-X1 ×1" in html
    assert client.get("/sales/orders?q=srv-r").get_data(as_text=True).count('data-testid="record-row"') == 1
    waiting = client.get("/sales/orders?status=awaiting_stock&warehouse=SH-01").get_data(as_text=True)
    assert waiting.count('data-testid="record-row"') == 1
    assert client.get("/sales/orders?warehouse=SZ-01").get_data(as_text=True).count('data-testid="record-row"') == 0


def test_the_short_order_links_its_purchase_through_to_the_payment_request(
        app: Flask, login: Login, engine: WorkflowEngine, actor: Callable[[str], Actor]) -> None:
    order = _order(app, status="awaiting_stock")
    with app.app_context():
        [servers] = [x for x in order_lines(db.session, order.id) if x.shortfall]
    assert (servers.item_code, servers.shortfall) == ("SRV-R", 2)
    client = login("erin")
    html = client.get(f"/sales/orders/item/{order.number}").get_data(as_text=True)
    assert html.count('data-testid="order-line"') == 4
    assert f'href="/instances/{servers.purchase_instance_id}"' in html and 'data-testid="purchase-order"' not in html
    assert [s for s in ("entered", "credit_approved", "awaiting_stock") if f'data-status="{s}"' in html] == [
        "entered", "credit_approved", "awaiting_stock"]

    for who in ("erin", "carol"):  # 52,000: the sales manager, then the finance director
        task = next(t for t in engine.get(servers.purchase_instance_id).tasks if t.status == "open")
        engine.complete(task.id, actor(who), {"decision": "approve"})
    assert engine.get(servers.purchase_instance_id).status == "completed"
    html = client.get(f"/sales/orders/item/{order.number}").get_data(as_text=True)
    assert 'data-testid="purchase-order">PO-' in html and 'data-testid="payment-request"' in html
    assert client.get(f"/sales/orders/item/{order.number}").status_code == 200


def test_the_completed_order_shows_every_step_and_its_invoice(app: Flask, login: Login) -> None:
    order = _order(app, status="completed")
    html = login("erin").get(f"/sales/orders/item/{order.number}").get_data(as_text=True)
    assert html.count('data-testid="step-done"') == 7 and 'data-testid="invoice-link"' in html
    assert "SF1402223340" in html and "CMB20261120-0042" in html, "the shipment and the payment in the history"


def test_the_export_has_a_lines_sheet_for_the_listed_orders(login: Login) -> None:
    sheets = _sheets(login("erin").get("/sales/orders/export.xlsx?q=C001").data)
    assert list(sheets) == ["orders", "lines"]
    orders, lines = sheets["orders"], sheets["lines"]
    assert orders[0][:3] == ("Number", "Customer", "Items") and len(orders) == 3
    assert lines[0] == ("Order", "Line", "Item", "Quantity", "Unit price", "Amount", "Reserved", "Short",
                        "Purchase process")
    assert [(r[1], r[2], r[3]) for r in lines[1:]] == [
        (1, "SRV-R", 4), (2, "MON-27", 4), (3, "DOCK-U", 4), (4, "LAP-X1", 1), (1, "LAP-X1", 5), (2, "DOCK-U", 5)]
    assert {r[0] for r in lines[1:]} == {r[0] for r in orders[1:]}
    assert lines[1][7] == 2 and isinstance(lines[1][8], int), "the short line and its purchase approval"
