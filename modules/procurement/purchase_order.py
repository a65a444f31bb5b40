"""Purchase orders, created by the purchase approval flow once a request is approved."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall, utcnow

from .. import made_by_step


class PurchaseOrder(Base):
    __tablename__ = "procurement_purchase_orders"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_po_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    item: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price: Mapped[float] = mapped_column(Numeric(14, 2))
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    department: Mapped[str] = mapped_column(String(100))
    requested_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class CreatePurchaseOrder:
    item: str
    supplier: str
    quantity: int
    unit_price: float
    department: str
    requested_by: str


def _as_dict(po: PurchaseOrder) -> dict[str, Any]:
    return {"id": po.id, "number": po.number, "amount": float(po.amount), "supplier": po.supplier}


def create_purchase_order(call: ServiceCall, req: CreatePurchaseOrder) -> dict[str, Any]:
    """Idempotent per (instance, task): a retried step returns the order it already made."""
    existing = made_by_step(call, PurchaseOrder)
    if existing is not None:
        return _as_dict(existing)
    if req.quantity <= 0 or req.unit_price <= 0:
        raise ValueError("quantity and unit price must be positive")
    now = utcnow()
    po = PurchaseOrder(
        number=f"PO-{now:%Y%m%d}-{call.instance_id:06d}", item=req.item, supplier=req.supplier,
        quantity=req.quantity, unit_price=req.unit_price, amount=round(req.quantity * req.unit_price, 2),
        department=req.department, requested_by=req.requested_by, instance_id=call.instance_id,
        task_name=call.task_name, created_at=now,
    )
    call.session.add(po)
    call.session.flush()
    return _as_dict(po)
