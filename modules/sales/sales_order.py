"""Sales orders, from entry through credit check to shipping, invoicing and completion.

The order row is the customer-facing record; order_handling moves its status.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall, utcnow

from .. import made_by_step
from .customer import Customer

STATUSES = ("entered", "credit_hold", "confirmed", "awaiting_stock", "shipped", "invoiced", "completed",
            "rejected")
OPEN_STATUSES = ("entered", "credit_hold", "confirmed", "awaiting_stock", "shipped", "invoiced")


class SalesOrder(Base):
    __tablename__ = "sales_orders"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_sales_order_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_code: Mapped[str] = mapped_column(String(30), index=True)
    item_code: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[int]
    unit_price: Mapped[float] = mapped_column(Numeric(14, 2))
    amount: Mapped[float] = mapped_column(Numeric(16, 2))
    warehouse: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True, default="entered")
    entered_by: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class CreateSalesOrder:
    customer_code: str
    item_code: str
    quantity: int
    unit_price: float
    warehouse: str
    entered_by: str


def create_sales_order(call: ServiceCall, req: CreateSalesOrder) -> dict[str, Any]:
    """Idempotent per (instance, task)."""
    order = made_by_step(call, SalesOrder)
    if order is None:
        customer = call.session.scalar(select(Customer).where(Customer.code == req.customer_code))
        if customer is None:
            raise ValueError(f"no customer {req.customer_code}")
        if customer.status != "active":
            raise ValueError(f"customer {req.customer_code} is {customer.status}")
        if req.quantity <= 0 or req.unit_price <= 0:
            raise ValueError("quantity and unit price must be positive")
        now = utcnow()
        order = SalesOrder(number=f"SO-{now:%Y%m%d}-{call.instance_id:06d}", customer_code=req.customer_code,
                           item_code=req.item_code, quantity=req.quantity, unit_price=req.unit_price,
                           amount=round(req.quantity * req.unit_price, 2), warehouse=req.warehouse,
                           entered_by=req.entered_by, instance_id=call.instance_id, task_name=call.task_name,
                           created_at=now)
        call.session.add(order)
        call.session.flush()
    return {"id": order.id, "number": order.number, "amount": float(order.amount)}


@dataclass(frozen=True)
class CheckCredit:
    customer_code: str
    order_number: str


def check_credit(call: ServiceCall, req: CheckCredit) -> dict[str, Any]:
    """Exposure = the customer's open orders including this one; read-only, so idempotent."""
    customer = call.session.scalar(select(Customer).where(Customer.code == req.customer_code))
    if customer is None:
        raise ValueError(f"no customer {req.customer_code}")
    exposure = float(call.session.scalar(select(func.coalesce(func.sum(SalesOrder.amount), 0)).where(
        SalesOrder.customer_code == req.customer_code, SalesOrder.status.in_(OPEN_STATUSES))) or 0)
    limit = float(customer.credit_limit)
    return {"credit_limit": limit, "exposure": exposure, "within_limit": exposure <= limit,
            "customer_name": customer.name}


@dataclass(frozen=True)
class SetOrderStatus:
    order_number: str
    status: str


def set_order_status(call: ServiceCall, req: SetOrderStatus) -> dict[str, Any]:
    if req.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    order = call.session.scalar(select(SalesOrder).where(SalesOrder.number == req.order_number))
    if order is None:
        raise ValueError(f"no sales order {req.order_number}")
    order.status = req.status
    return {"number": order.number, "status": order.status}
