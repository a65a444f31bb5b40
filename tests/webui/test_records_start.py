"""Start pages of the module flows: the process's start form, validated on the server.

The sales order page, with its table of lines, is tested in test_sales_orders.py.
"""
from __future__ import annotations

import io
from collections.abc import Callable

from flask.testing import FlaskClient

Login = Callable[..., FlaskClient]


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


def test_the_overview_offers_every_start_page_to_whoever_may_start_it(login: Login) -> None:
    every = ("order_handling", "supplier_onboarding", "expense_reimbursement", "production_order", "hiring",
             "performance_review")
    html = login("admin").get("/records").get_data(as_text=True)
    assert [p for p in every if f'data-testid="start-{p}"' in html] == list(every)
    html = login("alice").get("/records").get_data(as_text=True)
    assert [p for p in every if f'data-testid="start-{p}"' in html] == ["expense_reimbursement", "hiring"]
    assert login("alice").get("/hr/reviews/new").status_code == 403, "HR opens performance reviews"
