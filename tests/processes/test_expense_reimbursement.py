"""Expense reimbursement: employee claim → manager → finance check → payment request in finance."""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine

from engine import Actor, ServiceRegistry, WorkflowEngine
from modules.finance import PaymentRequest

EVE = Actor("eve", groups=frozenset({"requesters"}))
MIKE = Actor("mike", groups=frozenset({"IT-managers"}))
FRED = Actor("fred", groups=frozenset({"finance-clerks"}))
CLAIM = {"category": "travel", "amount": 1860.5, "expense_date": "2026-11-20", "description": "Client visit Hangzhou",
         "receipts": "fapiao 04411, 04412", "department": "IT"}


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "expense_reimbursement")


def test_approved_claim_becomes_a_payment_to_the_employee(flow: Driver) -> None:
    view = flow.start(CLAIM, EVE)
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.candidate_group, task.excluded_user) == ("Task_manager_approval", "IT-managers", "eve")
    checked = flow.complete(view, "Task_manager_approval", MIKE, decision="approve")
    assert open_names(checked) == ["Task_finance_check"] and flow.rows(PaymentRequest) == []
    done = flow.complete(checked, "Task_finance_check", FRED, decision="approve")
    assert (done.status, done.data["outcome"]) == ("completed", "approved")
    [payment] = flow.rows(PaymentRequest)
    assert (payment.payee, float(payment.amount), payment.department, payment.instance_id) == \
           ("eve", 1860.5, "IT", view.id)


@pytest.mark.parametrize("who_rejects", ["manager", "finance"])
def test_rejected_claim_pays_nothing_and_keeps_the_reason(flow: Driver, who_rejects: str) -> None:
    view = flow.start(CLAIM, EVE)
    if who_rejects == "finance":
        view = flow.complete(view, "Task_manager_approval", MIKE, decision="approve")
        done = flow.complete(view, "Task_finance_check", FRED, decision="reject", comment="receipt 04412 unreadable")
    else:
        done = flow.complete(view, "Task_manager_approval", MIKE, decision="reject", comment="receipt 04412 unreadable")
    assert (done.data["outcome"], done.data["rejection_comment"]) == ("rejected", "receipt 04412 unreadable")
    assert flow.rows(PaymentRequest) == []
