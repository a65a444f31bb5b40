"""Budget checks: remaining = budget − payment requests of the department in that year."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.finance import Budget, PaymentRequest, current_period
from modules.finance.budget import CheckBudget, check_budget
from modules.finance.invoice import CreateInvoice, create_invoice


def call(session: Session, instance: int = 1) -> ServiceCall:
    return ServiceCall(session, instance, "Task_check_budget", "rita", "purchase_approval")


def payment(number: str, amount: float, when: datetime, department: str = "IT") -> PaymentRequest:
    return PaymentRequest(number=number, payee="x", amount=amount, department=department, reference="r",
                          instance_id=int(number[-1]), task_name="t", created_at=when)


def test_remaining_budget_counts_only_that_department_and_year(db: Engine) -> None:
    year = int(current_period())
    with Session(db) as session:
        session.add(Budget(department="IT", period=str(year), amount=50000))
        session.add_all([payment("P1", 20000, datetime(year, 3, 1)), payment("P2", 9000, datetime(year - 1, 12, 31)),
                         payment("P3", 5000, datetime(year, 5, 1), "Sales")])
        session.flush()
        result = check_budget(call(session), CheckBudget("IT", 30000))
        assert (result["budget"], result["committed"], result["remaining"], result["within_budget"]) == \
               (50000, 20000, 30000, True)
        assert check_budget(call(session), CheckBudget("IT", 30000.01))["within_budget"] is False


def test_a_department_without_budget_is_not_limited_but_says_so(db: Engine) -> None:
    with Session(db) as session:
        result = check_budget(call(session), CheckBudget("HR", 1_000_000))
        assert (result["budget"], result["remaining"], result["within_budget"]) == (None, None, True)
        with pytest.raises(ValueError, match="period must be a year"):
            check_budget(call(session), CheckBudget("HR", 1, period="Q1"))


def test_an_invoice_is_created_once_per_instance_and_task(db: Engine) -> None:
    with Session(db) as session:
        first = create_invoice(call(session, 9), CreateInvoice("Acme", 1200, "SO-1"))
        assert create_invoice(call(session, 9), CreateInvoice("Acme", 1200, "SO-1")) == first
        assert first["number"].startswith("INV-")
