"""The credit check: what the customer owes on open orders, this one included, against the credit limit."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from engine import ServiceCall

from .customer import Customer
from .order_status import OPEN_STATUSES, advance, find_order
from .sales_order import SalesOrder


@dataclass(frozen=True)
class CheckCredit:
    customer_code: str
    order_number: str


def check_credit(call: ServiceCall, req: CheckCredit) -> dict[str, Any]:
    """Within the limit the order is credit approved; beyond it, held for the sales manager."""
    customer = call.session.scalar(select(Customer).where(Customer.code == req.customer_code))
    if customer is None:
        raise ValueError(f"no customer {req.customer_code}")
    order = find_order(call.session, req.order_number)
    exposure = float(call.session.scalar(select(func.coalesce(func.sum(SalesOrder.amount), 0)).where(
        SalesOrder.customer_code == req.customer_code, SalesOrder.status.in_(OPEN_STATUSES))) or 0)
    limit = float(customer.credit_limit)
    within = exposure <= limit
    advance(call, order, "credit_approved" if within else "credit_hold",
            f"{exposure:,.2f} / {limit:,.2f}")
    return {"credit_limit": limit, "exposure": exposure, "within_limit": within, "customer_name": customer.name}
