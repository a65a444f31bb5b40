"""Payment requests: what finance must pay, and to whom, once a flow approves it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall

from .. import made_by_step
from . import ledger


class PaymentRequest(Base):
    __tablename__ = "finance_payment_requests"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_payment_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    payee: Mapped[str] = mapped_column(String(200))
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    department: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class RequestPayment:
    payee: str
    amount: float
    department: str
    reference: str


def request_payment(call: ServiceCall, req: RequestPayment) -> dict[str, Any]:
    """Idempotent per (instance, task), so a retried step never asks to pay twice."""
    existing = made_by_step(call, PaymentRequest)
    if existing is None:
        if req.amount <= 0:
            raise ValueError("amount must be positive")
        now = call.now
        existing = PaymentRequest(
            number=f"PR-{now:%Y%m%d}-{call.instance_id:06d}", payee=req.payee, amount=round(req.amount, 2),
            department=req.department, reference=req.reference, instance_id=call.instance_id,
            task_name=call.task_name, created_at=now,
        )
        call.session.add(existing)
        call.session.flush()
        ledger.post(call, "6602", "2202", existing.amount, existing.number, req.reference, req.department)
    return {"id": existing.id, "number": existing.number, "amount": float(existing.amount)}
