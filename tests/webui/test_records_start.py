"""Start pages of the module flows: the process's start form, validated on the server."""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from modules.sales import SalesOrder
from webui.extensions import db

Login = Callable[..., FlaskClient]


def test_a_sales_order_entered_on_the_page_runs_order_handling(app: Flask, login: Login) -> None:
    frank = login("frank")
    page = frank.get("/sales/orders/new").get_data(as_text=True)
    assert 'name="customer_code"' in page and 'name="warehouse"' in page
    response = frank.post("/sales/orders/new", data={"customer_code": "C003", "item_code": "DOCK-U", "quantity": "3",
                                                     "unit_price": "599", "warehouse": "SZ-01"})
    assert response.status_code == 302 and "/instances/" in response.headers["Location"]
    with app.app_context():
        order = db.session.scalar(select(SalesOrder).where(SalesOrder.customer_code == "C003"))
        assert (order.quantity, float(order.amount), order.entered_by) == (3, 1797, "frank")


def test_bad_input_names_the_field_and_starts_nothing(app: Flask, login: Login) -> None:
    response = login("frank").post("/sales/orders/new", data={"customer_code": "C003", "item_code": "DOCK-U",
                                                              "quantity": "-1", "unit_price": "5", "warehouse": "X"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="error-quantity"' in html and 'data-testid="error-warehouse"' in html


def test_an_expense_claim_takes_the_department_from_the_account(login: Login, engine, actor) -> None:
    response = login("alice").post("/finance/expenses/new", data={
        "category": "travel", "amount": "300", "expense_date": "2026-11-20", "description": "taxi",
        "receipts": (io.BytesIO(b"%PDF-1.4 taxi"), "taxi.pdf"), "department": "Finance"})
    assert response.status_code == 302
    instance_id = int(response.headers["Location"].rsplit("/", 1)[1])
    view = engine.get(instance_id)
    assert view.data["department"] == "IT"
    [task] = [t for t in view.tasks if t.status == "open"]
    assert task.candidate_group == "IT-managers"


def test_the_overview_offers_every_start_page(login: Login) -> None:
    html = login("alice").get("/records").get_data(as_text=True)
    for process in ("order_handling", "supplier_onboarding", "expense_reimbursement", "production_order",
                    "hiring", "performance_review"):
        assert f'data-testid="start-{process}"' in html
