"""Purchase orders with their lines, created by the purchase approval flow once a request is approved.

The order's amount is the sum of its lines. An order for a supplier with an
active contract covering the day names that contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint, func, insert
from sqlalchemy.orm import Mapped, Session, column_property, mapped_column, relationship

from engine import Base, Prepared, ServiceCall

from .. import made_by_step
from .contract import COVERING, Contract
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
    # the supplier's contract that covered the day but had no room left under its cap for this order
    over_cap_of: Mapped[str | None] = mapped_column(String(30), nullable=True)
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    lines: Mapped[list[PurchaseOrderLine]] = relationship(order_by=PurchaseOrderLine.line_no,
                                                          cascade="all, delete-orphan")
    line_count = column_property(over_lines(func.count(PurchaseOrderLine.id), PurchaseOrderLine.order_id, id))


# what a contract's orders add up to, against its cap (the orders know the contract, not the other way)
Contract.committed = column_property(over_lines(func.coalesce(func.sum(PurchaseOrder.amount), 0),
                                                PurchaseOrder.contract_number, Contract.number))


# every approved purchase asks and writes these: prepared once, the covering contracts locked until commit
# (PostgreSQL) so that two orders weighing the same cap queue, SQLite's write transactions already do
_ROOM = Prepared(COVERING.with_only_columns(Contract.number, Contract.committed, Contract.amount_cap)
                 .with_for_update(of=Contract))
_INSERT_ORDER = Prepared(insert(PurchaseOrder.__table__).returning(PurchaseOrder.id), keys=[
    "number", "item", "supplier", "quantity", "unit_price", "amount", "department", "requested_by",
    "contract_number", "over_cap_of", "instance_id", "task_name", "created_at"])
_INSERT_LINES = Prepared(insert(PurchaseOrderLine.__table__), keys=[
    "order_id", "line_no", "item_code", "item", "quantity", "unit", "unit_price", "amount"])


def contract_for_order(session: Session, supplier: str, on: date, amount: float) -> tuple[str | None, str | None]:
    """The number of the latest covering contract with room for `amount` under its cap, else none and the
    full one's number.

    An order that would take a contract past its cap is placed off contract and names the
    contract it did not fit, for purchasing to extend it or negotiate anew.
    """
    covering = _ROOM.rows(session, {"supplier": supplier, "on": on})
    for number, committed, cap in covering:
        if float(committed) + amount <= float(cap):
            return number, None
    return None, covering[0].number if covering else None


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


def _answer(order_id: int, number: str, amount: float, supplier: str, lines: int, contract: str | None,
            over_cap_of: str | None) -> dict[str, Any]:
    """What the step gets back, for the order it made now or on an earlier run."""
    return {"id": order_id, "number": number, "amount": float(amount), "supplier": supplier, "lines": lines,
            "contract": contract, "over_cap_of": over_cap_of}


def create_purchase_order(call: ServiceCall, req: CreatePurchaseOrder) -> dict[str, Any]:
    """Idempotent per (instance, task): a retried step returns the order it already made, lines and all."""
    existing = made_by_step(call, PurchaseOrder)
    if existing is not None:
        return _answer(existing.id, existing.number, existing.amount, existing.supplier, len(existing.lines),
                       existing.contract_number, existing.over_cap_of)
    lines = lines_or_single(req.lines, req.item, req.quantity, req.unit_price)
    now, amount = call.now, total(lines)
    contract, full = contract_for_order(call.session, req.supplier, now.date(), amount)
    number = f"PO-{now:%Y%m%d}-{call.instance_id:06d}"
    order_id = _INSERT_ORDER.scalar(call.session, dict(
        number=number, item=summary(lines), supplier=req.supplier, quantity=sum(line.quantity for line in lines),
        unit_price=lines[0].unit_price if len(lines) == 1 else None, amount=amount,
        department=req.department, requested_by=req.requested_by, contract_number=contract, over_cap_of=full,
        instance_id=call.instance_id, task_name=call.task_name, created_at=now))
    _INSERT_LINES.run(call.session, [{"order_id": order_id, **line.columns()} for line in lines])
    return _answer(order_id, number, amount, req.supplier, len(lines), contract, full)
