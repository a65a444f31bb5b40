"""Sales orders and their lines, from entry through credit check to shipping, invoicing and completion.

The order row is the customer-facing record; order_handling moves its status
(order_status.py) and writes what the warehouse reserved per line.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, ServiceCall

from .. import made_by_step
from .customer import Customer
from .order_lines import OrderLine, parse_lines


class SalesOrder(Base):
    __tablename__ = "sales_orders"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_sales_order_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_code: Mapped[str] = mapped_column(String(30), index=True)
    items: Mapped[str] = mapped_column(String(500), default="")  # "LAP-X1 ×5, DOCK-U ×5": lists search it
    amount: Mapped[float] = mapped_column(Numeric(16, 2))  # the sum of the lines
    warehouse: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True, default="entered")
    entered_by: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class SalesOrderLine(Base):
    """One item of an order; `reserved`/`shortfall` come from the latest reservation, the purchase from a shortage."""

    __tablename__ = "sales_order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no", name="uq_sales_order_line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str] = mapped_column(String(30), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[float] = mapped_column(Numeric(14, 2))
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    shortfall: Mapped[int] = mapped_column(Integer, default=0)
    purchase_instance_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    requisition_id: Mapped[int | None] = mapped_column(nullable=True)


class SalesOrderEvent(Base):
    """The order's way from entry to payment: one row per status reached, with when, who and a note."""

    __tablename__ = "sales_order_events"
    __table_args__ = (UniqueConstraint("order_id", "status", name="uq_sales_order_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


def record_event(call: ServiceCall, order: SalesOrder, status: str, note: str = "") -> None:
    """Once per status: a retried step, or a second pass through the stock loop, keeps the first time."""
    session = call.session
    seen = session.scalar(select(SalesOrderEvent.id).where(SalesOrderEvent.order_id == order.id,
                                                           SalesOrderEvent.status == status))
    if seen is None:
        session.add(SalesOrderEvent(order_id=order.id, status=status, note=note[:500], actor=call.actor,
                                    at=call.now))
        session.flush()


def order_lines(session: Session, order_id: int) -> list[SalesOrderLine]:
    return list(session.scalars(select(SalesOrderLine).where(SalesOrderLine.order_id == order_id)
                                .order_by(SalesOrderLine.line_no)))


def items_summary(lines: list[OrderLine]) -> str:
    text = ", ".join(f"{line.item_code} ×{line.quantity}" for line in lines)
    return text if len(text) <= 500 else text[:499] + "…"


@dataclass(frozen=True)
class CreateSalesOrder:
    customer_code: str
    warehouse: str
    entered_by: str
    lines: Any  # [{"item_code", "quantity", "unit_price"}, ...], or that list as JSON text (see order_lines.py)


def create_sales_order(call: ServiceCall, req: CreateSalesOrder) -> dict[str, Any]:
    """Idempotent per (instance, task): a retried step returns the order it made, lines and all."""
    order = made_by_step(call, SalesOrder)
    if order is None:
        customer = call.session.scalar(select(Customer).where(Customer.code == req.customer_code))
        if customer is None:
            raise ValueError(f"no customer {req.customer_code}")
        if customer.status != "active":
            raise ValueError(f"customer {req.customer_code} is {customer.status}")
        lines = parse_lines(call.session, req.lines)
        now = call.now
        order = SalesOrder(number=f"SO-{now:%Y%m%d}-{call.instance_id:06d}", customer_code=req.customer_code,
                           items=items_summary(lines), amount=round(sum(line.amount for line in lines), 2),
                           warehouse=req.warehouse, status="entered", entered_by=req.entered_by,
                           instance_id=call.instance_id, task_name=call.task_name, created_at=now)
        call.session.add(order)
        call.session.flush()
        call.session.add_all(SalesOrderLine(order_id=order.id, line_no=number, item_code=line.item_code,
                                            quantity=line.quantity, unit_price=line.unit_price, amount=line.amount)
                             for number, line in enumerate(lines, start=1))
        record_event(call, order, "entered")
    return {"id": order.id, "number": order.number, "amount": float(order.amount), "items": order.items,
            "lines": [{"line_no": line.line_no, "item_code": line.item_code, "quantity": line.quantity,
                       "unit_price": float(line.unit_price), "amount": float(line.amount)}
                      for line in order_lines(call.session, order.id)]}
