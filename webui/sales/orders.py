"""What a sales order's page shows beyond its fields: the lines, the purchases short lines started,
the way from entry to payment, and the invoice; and the lines sheet of the Excel export."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine import ProcessInstance
from modules.finance import Invoice, PaymentRequest
from modules.procurement import PurchaseOrder
from modules.sales import SalesOrder, SalesOrderEvent, SalesOrderLine, order_lines

from ..xlsx import Sheet

# the usual way of an order; credit hold, awaiting stock and rejection show in the history when they happen
PATH = ("entered", "credit_approved", "reserved", "invoiced", "shipped", "paid", "completed")


@dataclass(frozen=True)
class PurchaseLink:
    """A purchase approval a short line started, and what it has led to so far."""

    instance_id: int
    status: str
    purchase_order: str
    payment_request: str


def _by_instance(session: Session, key: Any, value: Any, ids: set[int]) -> dict[int, str]:
    return {k: v for k, v in session.execute(select(key, value).where(key.in_(ids)))}


def purchases(session: Session, ids: set[int]) -> dict[int, PurchaseLink]:
    status = _by_instance(session, ProcessInstance.id, ProcessInstance.status, ids)
    orders = _by_instance(session, PurchaseOrder.instance_id, PurchaseOrder.number, ids)
    payments = _by_instance(session, PaymentRequest.instance_id, PaymentRequest.number, ids)
    return {i: PurchaseLink(i, status.get(i, ""), orders.get(i, ""), payments.get(i, "")) for i in sorted(ids)}


def order_context(session: Session, order: SalesOrder) -> dict[str, Any]:
    lines = order_lines(session, order.id)
    events = list(session.scalars(select(SalesOrderEvent).where(SalesOrderEvent.order_id == order.id)
                                  .order_by(SalesOrderEvent.id)))
    reached = {e.status: e for e in events}
    return {"lines": lines, "events": events, "steps": [(s, reached.get(s)) for s in PATH],
            "purchases": purchases(session, {x.purchase_instance_id for x in lines if x.purchase_instance_id}),
            "invoices": list(session.scalars(select(Invoice).where(Invoice.reference == order.number)))}


def line_sheet(session: Session, orders: Select[Any]) -> list[Sheet]:
    """One row per line of the listed orders, in the list's order."""
    listed = orders.with_only_columns(SalesOrder.id).order_by(None)
    rows = session.execute(
        select(SalesOrder.number, SalesOrderLine.line_no, SalesOrderLine.item_code, SalesOrderLine.quantity,
               SalesOrderLine.unit_price, SalesOrderLine.amount, SalesOrderLine.reserved, SalesOrderLine.shortfall,
               SalesOrderLine.purchase_instance_id)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id).where(SalesOrderLine.order_id.in_(listed))
        .order_by(SalesOrder.created_at.desc(), SalesOrder.id, SalesOrderLine.line_no))
    headers = [_("Order"), _("Line"), _("Item"), _("Quantity"), _("Unit price"), _("Amount"), _("Reserved"),
               _("Short"), _("Purchase process")]
    return [("lines", headers, rows)]
