"""Purchase requisitions raised by other flows: a shortage becomes a purchase_approval instance.

The requisition row remembers which instance it started, so a retried step
returns that instance instead of starting a second purchase request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall, utcnow

from .. import made_by_step

PURCHASE_PROCESS = "purchase_approval"


class PurchaseRequisition(Base):
    __tablename__ = "procurement_requisitions"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_requisition_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price: Mapped[float] = mapped_column(Numeric(14, 2))
    department: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(2000))
    purchase_instance_id: Mapped[int] = mapped_column(index=True)
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class RequestPurchase:
    item: str
    supplier: str
    quantity: int
    unit_price: float
    department: str
    reason: str
    business_key: str = ""


def request_purchase(call: ServiceCall, req: RequestPurchase) -> dict[str, Any]:
    """Start a purchase_approval instance in the caller's transaction (once per instance and task)."""
    existing = made_by_step(call, PurchaseRequisition)
    if existing is not None:
        return {"id": existing.id, "purchase_instance_id": existing.purchase_instance_id}
    if req.quantity <= 0:
        raise ValueError("quantity must be positive")
    if call.start_process is None:
        raise ValueError("this caller cannot start processes")
    child = call.start_process(PURCHASE_PROCESS, {
        "item": req.item, "supplier": req.supplier, "quantity": req.quantity, "unit_price": req.unit_price,
        "department": req.department, "reason": req.reason}, req.business_key or None)
    row = PurchaseRequisition(item=req.item, supplier=req.supplier, quantity=req.quantity,
                              unit_price=req.unit_price, department=req.department, reason=req.reason,
                              purchase_instance_id=child, instance_id=call.instance_id,
                              task_name=call.task_name, created_at=utcnow())
    call.session.add(row)
    call.session.flush()
    return {"id": row.id, "purchase_instance_id": child}
