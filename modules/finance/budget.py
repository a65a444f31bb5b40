"""Budgets per department and period, and the check purchase approval runs against them.

What is committed against a budget is what finance has been asked to pay
for that department in that period (payment requests), so the remaining
budget falls as approved purchases and claims come through.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Numeric, String, UniqueConstraint, bindparam, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, Prepared, ServiceCall, utcnow

from ..importing import Reason, RowRejected, number, text
from .payment_request import PaymentRequest


class Budget(Base):
    __tablename__ = "finance_budgets"
    __table_args__ = (UniqueConstraint("department", "period", name="uq_budget_department_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(100), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # a year: "2026"
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    note: Mapped[str] = mapped_column(String(200), default="")


def parse_budget(values: dict[str, Any]) -> dict[str, Any]:
    """A budget entered on a form → its columns, or RowRejected with every reason; the period is a year."""
    reasons: list[str] = []
    row = {
        "department": text(values, "department", reasons, max_length=100),
        "period": text(values, "period", reasons, max_length=7),
        "amount": number(values, "amount", reasons, minimum=0),
        "note": text(values, "note", reasons, required=False),
    }
    if row["period"] and not (len(row["period"]) == 4 and row["period"].isdigit()):
        reasons.append(Reason("not_year", "period", value=row["period"]))
    if reasons:
        raise RowRejected(reasons)
    return row


@dataclass(frozen=True)
class BudgetStatus:
    department: str
    period: str
    budget: float | None
    committed: float

    @property
    def remaining(self) -> float | None:
        return None if self.budget is None else round(self.budget - self.committed, 2)


def current_period(now: datetime | None = None) -> str:
    """The budget year of `now` (a step's `call.now`); the clock's year where no step is running."""
    return str((now or utcnow()).year)


# prepared once: every purchase request's first step asks (the session's pending rows are flushed first)
_PLANNED = Prepared(select(Budget.amount).where(Budget.department == bindparam("department"),
                                                Budget.period == bindparam("period")))
_COMMITTED = Prepared(select(func.coalesce(func.sum(PaymentRequest.amount), 0)).where(
    PaymentRequest.department == bindparam("department"),
    PaymentRequest.created_at >= bindparam("since", type_=DateTime()),
    PaymentRequest.created_at < bindparam("until", type_=DateTime())))


def budget_status(session: Session, department: str, period: str) -> BudgetStatus:
    if not (len(period) == 4 and period.isdigit()):
        raise ValueError(f"period must be a year such as 2026, not {period!r}")
    year = int(period)
    planned = _PLANNED.scalar(session, {"department": department, "period": period})
    committed = _COMMITTED.scalar(session, {"department": department, "since": datetime(year, 1, 1),
                                            "until": datetime(year + 1, 1, 1)}) or 0
    return BudgetStatus(department, period, float(planned) if planned is not None else None, float(committed))


@dataclass(frozen=True)
class CheckBudget:
    department: str
    amount: float
    period: str = ""


def check_budget(call: ServiceCall, req: CheckBudget) -> dict[str, Any]:
    """Read-only, so naturally idempotent. A department without a budget for the period is not limited
    (within_budget stays true) but `budget` is None, so the approver sees that nothing was planned."""
    status = budget_status(call.session, req.department, req.period or current_period(call.now))
    remaining = status.remaining
    return {"department": status.department, "period": status.period, "budget": status.budget,
            "committed": status.committed, "remaining": remaining,
            "within_budget": remaining is None or req.amount <= remaining}
