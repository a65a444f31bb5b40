"""Purchase requisitions raised by other flows: a shortage becomes a purchase_approval instance.

The requisition row remembers which instance it started, so a retried step
returns that instance instead of starting a second purchase request. It may
list several lines; a caller sending one item gets one line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from engine import Base, ServiceCall

from .. import made_by_step
from .lines import LineColumns, lines_or_single, over_lines, summary

PURCHASE_PROCESS = "purchase_approval"


class RequisitionLine(LineColumns, Base):
    __tablename__ = "procurement_requisition_lines"
    __table_args__ = (UniqueConstraint("requisition_id", "line_no", name="uq_requisition_line_no"),)

    requisition_id: Mapped[int] = mapped_column(ForeignKey("procurement_requisitions.id", ondelete="CASCADE"),
                                                index=True)


class PurchaseRequisition(Base):
    __tablename__ = "procurement_requisitions"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_requisition_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(200))           # the lines' items
    supplier: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]                                     # units over all lines
    unit_price: Mapped[float | None] = mapped_column(Numeric(14, 2), nullable=True)  # only with one line
    department: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(2000))
    purchase_instance_id: Mapped[int] = mapped_column(index=True)
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    lines: Mapped[list[RequisitionLine]] = relationship(order_by=RequisitionLine.line_no,
                                                        cascade="all, delete-orphan")
    line_count = column_property(over_lines(func.count(RequisitionLine.id), RequisitionLine.requisition_id, id))
    amount = column_property(over_lines(func.coalesce(func.sum(RequisitionLine.amount), 0),
                                        RequisitionLine.requisition_id, id))


@dataclass(frozen=True)
class RequestPurchase:
    """`lines` (dicts with item, quantity, unit_price, optional item_code and unit) or one item."""

    supplier: str
    department: str
    reason: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    item: str = ""
    quantity: int = 0
    unit_price: float = 0.0
    item_code: str = ""
    unit: str = ""
    business_key: str = ""


def request_purchase(call: ServiceCall, req: RequestPurchase) -> dict[str, Any]:
    """Start a purchase_approval instance in the caller's transaction (once per instance and task)."""
    existing = made_by_step(call, PurchaseRequisition)
    if existing is not None:
        return {"id": existing.id, "purchase_instance_id": existing.purchase_instance_id}
    lines = lines_or_single(req.lines, req.item, req.quantity, req.unit_price, item_code=req.item_code,
                            unit=req.unit)
    if call.start_process is None:
        raise ValueError("this caller cannot start processes")
    child = call.start_process(PURCHASE_PROCESS, {
        "supplier": req.supplier, "department": req.department, "reason": req.reason,
        "lines": [{k: v for k, v in line.columns().items() if k not in ("line_no", "amount")} for line in lines],
    }, req.business_key or None)
    row = PurchaseRequisition(item=summary(lines), supplier=req.supplier, quantity=sum(x.quantity for x in lines),
                              unit_price=lines[0].unit_price if len(lines) == 1 else None,
                              department=req.department, reason=req.reason, purchase_instance_id=child,
                              instance_id=call.instance_id, task_name=call.task_name, created_at=call.now,
                              lines=[RequisitionLine(**line.columns()) for line in lines])
    call.session.add(row)
    call.session.flush()
    return {"id": row.id, "purchase_instance_id": child}
