"""Where an order stands, as order_handling's service tasks report it.

Shipping and invoicing run in parallel, so the status only moves forward:
a step that finishes after a later one leaves the status as it is but still
enters its time in the order's history.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import ServiceCall

from .sales_order import SalesOrder, order_lines, record_event

STATUSES = ("entered", "credit_hold", "credit_approved", "awaiting_stock", "reserved", "invoiced", "shipped",
            "paid", "completed", "rejected")
OPEN_STATUSES = ("entered", "credit_hold", "credit_approved", "awaiting_stock", "reserved", "invoiced", "shipped")


def find_order(session: Session, number: str) -> SalesOrder:
    order = session.scalar(select(SalesOrder).where(SalesOrder.number == number))
    if order is None:
        raise ValueError(f"no sales order {number}")
    return order


def advance(call: ServiceCall, order: SalesOrder, status: str, note: str = "") -> None:
    if STATUSES.index(status) > STATUSES.index(order.status):
        order.status = status
    record_event(call, order, status, note)


@dataclass(frozen=True)
class SetOrderStatus:
    order_number: str
    status: str
    note: str = ""  # the invoice number, the carrier and tracking number, the bank reference


def set_order_status(call: ServiceCall, req: SetOrderStatus) -> dict[str, Any]:
    if req.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    order = find_order(call.session, req.order_number)
    advance(call, order, req.status, req.note)
    return {"number": order.number, "status": order.status}


@dataclass(frozen=True)
class RecordReservation:
    order_number: str
    reservation: dict  # what inventory.reserve_items answered for the order's lines


def record_reservation(call: ServiceCall, req: RecordReservation) -> dict[str, Any]:
    """Reserved and short quantity per line; the order is reserved, or awaits stock."""
    order = find_order(call.session, req.order_number)
    answered = {entry.get("line"): entry for entry in req.reservation.get("lines") or []}
    lines = order_lines(call.session, order.id)
    if set(answered) != {line.line_no for line in lines}:
        raise ValueError(f"the reservation does not answer for the lines of {order.number}")
    for line in lines:
        entry = answered[line.line_no]
        line.reserved, line.shortfall = int(entry["reserved"]), int(entry["shortfall"])
    if req.reservation.get("reserved"):
        advance(call, order, "reserved")
    else:
        short = ", ".join(f"{line.item_code} −{line.shortfall}" for line in lines if line.shortfall)
        advance(call, order, "awaiting_stock", short)
    return {"number": order.number, "status": order.status}


@dataclass(frozen=True)
class LinkPurchases:
    order_number: str
    purchases: dict  # item code -> what procurement.request_purchase answered ({"id", "purchase_instance_id"})


def link_purchases(call: ServiceCall, req: LinkPurchases) -> dict[str, Any]:
    """Each short line remembers the purchase approval started for its item, so the order page can follow it."""
    order = find_order(call.session, req.order_number)
    linked = []
    for line in order_lines(call.session, order.id):
        purchase = req.purchases.get(line.item_code)
        if purchase and line.shortfall:
            line.purchase_instance_id, line.requisition_id = purchase["purchase_instance_id"], purchase["id"]
            linked.append(line.purchase_instance_id)
    return {"number": order.number, "purchase_instance_ids": sorted(set(linked))}
