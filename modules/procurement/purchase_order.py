"""Purchase orders with their lines, created by the purchase approval flow once a request is approved.

The order's amount is the sum of its lines. An order for a supplier with an
active contract covering the day names that contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from engine import Base, ServiceCall, utcnow

from .. import made_by_step
from .contract import covering_contract
from .lines import LineColumns, lines_or_single, over_lines, summary, total


class PurchaseOrderLine(LineColumns, Base):
    __tablename__ = "procurement_purchase_order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no", name="uq_po_line_no"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("procurement_purchase_orders.id", ondelete="CASCADE"),
                                          index=True)


class PurchaseOrder(Base):
    __tablename__ = "procurement_purchase_orders"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_po_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    item: Mapped[str] = mapped_column(String(200))           # the lines' items, for lists and search
    supplier: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]                                     # units over all lines
    unit_price: Mapped[float | None] = mapped_column(Numeric(14, 2), nullable=True)  # only with one line
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    department: Mapped[str] = mapped_column(String(100))
    requested_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    contract_number: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    lines: Mapped[list[PurchaseOrderLine]] = relationship(order_by=PurchaseOrderLine.line_no,
                                                          cascade="all, delete-orphan")
    line_count = column_property(over_lines(func.count(PurchaseOrderLine.id), PurchaseOrderLine.order_id, id))


@dataclass(frozen=True)
class CreatePurchaseOrder:
    """`lines` (dicts with item, quantity, unit_price, optional item_code and unit) or one item as before."""

    supplier: str
    department: str
    requested_by: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    item: str = ""
    quantity: int = 0
    unit_price: float = 0.0


def _as_dict(po: PurchaseOrder) -> dict[str, Any]:
    return {"id": po.id, "number": po.number, "amount": float(po.amount), "supplier": po.supplier,
            "lines": len(po.lines), "contract": po.contract_number}


def create_purchase_order(call: ServiceCall, req: CreatePurchaseOrder) -> dict[str, Any]:
    """Idempotent per (instance, task): a retried step returns the order it already made, lines and all."""
    existing = made_by_step(call, PurchaseOrder)
    if existing is not None:
        return _as_dict(existing)
    lines = lines_or_single(req.lines, req.item, req.quantity, req.unit_price)
    now = utcnow()
    contract = covering_contract(call.session, req.supplier, now.date())
    po = PurchaseOrder(
        number=f"PO-{now:%Y%m%d}-{call.instance_id:06d}", item=summary(lines), supplier=req.supplier,
        quantity=sum(line.quantity for line in lines),
        unit_price=lines[0].unit_price if len(lines) == 1 else None, amount=total(lines),
        department=req.department, requested_by=req.requested_by,
        contract_number=contract.number if contract else None, instance_id=call.instance_id,
        task_name=call.task_name, created_at=now,
        lines=[PurchaseOrderLine(**line.columns()) for line in lines],
    )
    call.session.add(po)
    call.session.flush()
    return _as_dict(po)
