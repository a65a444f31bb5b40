"""Customer invoices, raised by order handling; paid, or reminded when overdue (a BPMN timer)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall

from .. import made_by_step
from . import ledger


class Invoice(Base):
    __tablename__ = "finance_invoices"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_invoice_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer: Mapped[str] = mapped_column(String(200), index=True)
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    reference: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    due_date: Mapped[date]
    paid_at: Mapped[datetime | None] = mapped_column(nullable=True)
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class CreateInvoice:
    customer: str
    amount: float
    reference: str
    payment_days: int = 30


def create_invoice(call: ServiceCall, req: CreateInvoice) -> dict[str, Any]:
    """Idempotent per (instance, task): a retried step never bills the customer twice."""
    inv = made_by_step(call, Invoice)
    if inv is None:
        if req.amount <= 0:
            raise ValueError("amount must be positive")
        now = call.now
        inv = Invoice(number=f"INV-{now:%Y%m%d}-{call.instance_id:06d}", customer=req.customer,
                      amount=round(req.amount, 2), reference=req.reference,
                      due_date=(now + timedelta(days=req.payment_days)).date(),
                      instance_id=call.instance_id, task_name=call.task_name, created_at=now)
        call.session.add(inv)
        call.session.flush()
        ledger.post(call, "1122", "6001", inv.amount, inv.number, f"{req.customer} {req.reference}")
    return {"id": inv.id, "number": inv.number, "amount": float(inv.amount), "due_date": inv.due_date.isoformat()}


class PaymentReminder(Base):
    __tablename__ = "finance_payment_reminders"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_reminder_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_number: Mapped[str] = mapped_column(String(30), index=True)
    customer: Mapped[str] = mapped_column(String(200))
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime]


@dataclass(frozen=True)
class InvoiceRef:
    invoice_number: str


def _invoice(call: ServiceCall, number: str) -> Invoice:
    inv = call.session.scalar(select(Invoice).where(Invoice.number == number))
    if inv is None:
        raise ValueError(f"no invoice {number}")
    return inv


def send_payment_reminder(call: ServiceCall, req: InvoiceRef) -> dict[str, Any]:
    """Remind the customer of an unpaid invoice once per (instance, task); a paid invoice needs none."""
    inv = _invoice(call, req.invoice_number)
    sent = made_by_step(call, PaymentReminder)
    if sent is None and inv.status != "paid":
        sent = PaymentReminder(invoice_number=inv.number, customer=inv.customer, amount=inv.amount,
                               instance_id=call.instance_id, task_name=call.task_name, sent_at=call.now)
        inv.status = "overdue"
        call.session.add(sent)
        call.session.flush()
    return {"invoice": inv.number, "reminded": sent is not None}


def record_customer_payment(call: ServiceCall, req: InvoiceRef) -> dict[str, Any]:
    """Mark the invoice paid; doing it twice changes nothing."""
    inv = _invoice(call, req.invoice_number)
    if inv.status != "paid":
        inv.status, inv.paid_at = "paid", call.now
        ledger.post(call, "1002", "1122", inv.amount, inv.number, f"payment {inv.customer}")
    return {"invoice": inv.number, "status": inv.status}
