"""Payment requests: what finance must pay, and to whom, once a flow approves it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint, insert
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, Prepared, ServiceCall

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
    if existing is not None:
        return {"id": existing.id, "number": existing.number, "amount": float(existing.amount)}
    if req.amount <= 0:
        raise ValueError("amount must be positive")
    now, amount = call.now, round(req.amount, 2)
    number = f"PR-{now:%Y%m%d}-{call.instance_id:06d}"
    made = _INSERT.scalar(call.session, dict(
        number=number, payee=req.payee, amount=amount, department=req.department, reference=req.reference,
        instance_id=call.instance_id, task_name=call.task_name, created_at=now))
    ledger.post(call, "6602", "2202", amount, number, req.reference, req.department)
    return {"id": made, "number": number, "amount": float(amount)}


# a prepared insert: every approved purchase asks for its payment
_INSERT = Prepared(insert(PaymentRequest.__table__).returning(PaymentRequest.id), keys=[
    "number", "payee", "amount", "department", "reference", "instance_id", "task_name", "created_at"])
