"""Order handling (processes/order_handling): credit check, stock reservation, shortage, shipping, invoicing.

The cross-module path: an order whose stock is short starts a purchase_approval instance (through
procurement.request_purchase and the engine's start_process facility), whose approval ends in a
purchase order and a payment request in finance; the goods then come in and the order ships.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import Actor, ServiceRegistry, WorkflowEngine
from modules.finance import Invoice, PaymentReminder, PaymentRequest
from modules.inventory import Item, Reservation, Stock, StockMove
from modules.procurement import PurchaseOrder, PurchaseRequisition
from modules.sales import Customer, SalesOrder

SALLY = Actor("sally", groups=frozenset({"sales"}))
SAM = Actor("sam", groups=frozenset({"Sales-managers"}))
WALT = Actor("walt", groups=frozenset({"warehouse"}))
JACK = Actor("jack", groups=frozenset({"finance-clerks"}))


def seed(db: Engine, on_hand: int = 100, credit_limit: float = 100000) -> None:
    with Session(db) as session, session.begin():
        session.add(Customer(code="C001", name="华东电子 East China Electronics", credit_limit=credit_limit))
        session.add(Item(code="MON-27", name="27-inch monitor", unit_cost=1200, preferred_supplier="Dell China"))
        session.add(Stock(item_code="MON-27", warehouse="SH-01", on_hand=on_hand, reserved=0))


def order(quantity: int, unit_price: float = 2000) -> dict:
    return {"customer_code": "C001", "item_code": "MON-27", "quantity": quantity, "unit_price": unit_price,
            "warehouse": "SH-01"}


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "order_handling")


def ship(flow: Driver, view):
    return flow.complete(view, "Task_ship", WALT, carrier="SF Express", tracking_number="SF123")


def pay(flow: Driver, view):
    return flow.complete(view, "Task_await_payment", JACK, paid_on="2026-12-20", bank_reference="CMB-0001")


def fulfil(flow: Driver, view):
    """Ship and get paid, in either order: the two branches run in parallel."""
    return pay(flow, ship(flow, view))


def stock(flow: Driver) -> tuple[int, int]:
    [row] = flow.rows(Stock)
    return row.on_hand, row.reserved


def test_in_stock_within_credit_ships_and_invoices_in_parallel(flow: Driver) -> None:
    seed(flow.db)
    view = flow.start(order(10), SALLY)
    assert view.status == "waiting" and open_names(view) == ["Task_await_payment", "Task_ship"]
    [so] = flow.rows(SalesOrder)
    assert (so.number, float(so.amount), so.entered_by) == (view.data["sales_order"]["number"], 20000, "sally")
    assert stock(flow) == (100, 10), "reserved before shipping"
    [invoice] = flow.rows(Invoice)
    assert (float(invoice.amount), invoice.reference) == (20000, so.number), "invoicing ran beside shipping"

    paid = pay(flow, view)
    assert open_names(paid) == ["Task_ship"] and flow.rows(Invoice)[0].status == "paid"
    done = ship(flow, paid)
    assert (done.status, done.data["outcome"]) == ("completed", "completed")
    assert stock(flow) == (90, 0)
    [move] = flow.rows(StockMove)
    assert (move.quantity, move.kind, move.reference) == (-10, "issue", so.number)
    assert flow.rows(SalesOrder)[0].status == "completed"
    assert len(flow.rows(Invoice)) == 1


def test_over_the_credit_limit_needs_the_sales_manager(flow: Driver) -> None:
    seed(flow.db, credit_limit=15000)
    view = flow.start(order(10), SALLY)
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.candidate_group) == ("Task_credit_approval", "Sales-managers")
    assert view.data["credit"]["exposure"] == 20000 and view.data["credit"]["credit_limit"] == 15000
    assert stock(flow) == (100, 0), "nothing reserved before credit is approved"
    approved = flow.complete(view, "Task_credit_approval", SAM, decision="approve", comment="long-time customer")
    assert open_names(approved) == ["Task_await_payment", "Task_ship"] and stock(flow) == (100, 10)
    assert fulfil(flow, approved).status == "completed"


def test_credit_rejected_marks_the_order_rejected(flow: Driver) -> None:
    seed(flow.db, credit_limit=15000)
    view = flow.start(order(10), SALLY)
    done = flow.complete(view, "Task_credit_approval", SAM, decision="reject", comment="overdue invoices")
    assert (done.status, done.data["outcome"]) == ("completed", "rejected")
    assert flow.rows(SalesOrder)[0].status == "rejected"
    assert flow.rows(Invoice) == [] and stock(flow) == (100, 0)


def test_short_stock_starts_a_purchase_approval_that_ends_in_a_payment_request(flow: Driver) -> None:
    seed(flow.db, on_hand=4)
    view = flow.start(order(10), SALLY)
    assert open_names(view) == ["Task_receive_goods"]
    [so] = flow.rows(SalesOrder)
    assert so.status == "awaiting_stock"
    [short] = flow.rows(Reservation)
    assert (short.status, short.quantity) == ("short", 10)
    [req] = flow.rows(PurchaseRequisition)
    assert (req.quantity, req.supplier, float(req.unit_price), req.department) == (6, "Dell China", 1200, "Sales")

    purchase = flow.engine().get(req.purchase_instance_id)
    assert (purchase.process, purchase.business_key, purchase.started_by) == ("purchase_approval", so.number, "sally")
    assert (purchase.data["item"], purchase.data["amount"]) == ("27-inch monitor", 7200)
    [approval] = [t for t in purchase.tasks if t.status == "open"]
    assert approval.candidate_group == "Sales-managers"
    buying = Driver(flow.db, flow.registry, "purchase_approval")
    bought = buying.complete(buying.settle(purchase), "Task_manager_approval", SAM, decision="approve")
    assert bought.status == "completed"
    [po] = flow.rows(PurchaseOrder)
    [payment] = flow.rows(PaymentRequest)
    assert (po.quantity, po.supplier, float(payment.amount), payment.reference) == (6, "Dell China", 7200, po.number)

    arrived = flow.complete(flow.engine().get(view.id), "Task_receive_goods", WALT, received_quantity=6)
    assert open_names(arrived) == ["Task_await_payment", "Task_ship"]
    assert stock(flow) == (10, 10)
    assert [r.status for r in flow.rows(Reservation)] == ["short", "reserved"]
    done = fulfil(flow, arrived)
    assert done.status == "completed" and stock(flow) == (0, 0)
    assert [m.quantity for m in flow.rows(StockMove)] == [6, -10]
    assert len(flow.rows(PurchaseRequisition)) == 1, "one requisition, not one per step"


def test_unknown_customer_fails_the_instance_with_the_reason(flow: Driver) -> None:
    seed(flow.db)
    view = flow.engine().start("order_handling", {**order(1), "customer_code": "NOPE"}, SALLY)
    assert view.status == "error" and "no customer NOPE" in view.error_message
    assert flow.rows(SalesOrder) == []


def test_an_unpaid_invoice_gets_a_reminder_when_overdue_and_the_order_still_completes(
        workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> None:
    now = [datetime(2026, 11, 2, 9, 0)]
    flow = Driver(db, registry, "order_handling", clock=lambda: now[0])
    seed(db)
    view = ship(flow, flow.start(order(10), SALLY))
    assert open_names(view) == ["Task_await_payment"] and flow.rows(PaymentReminder) == []
    now[0] += timedelta(days=29)
    assert flow.engine().wake_timers() == 0, "not overdue yet"
    now[0] += timedelta(days=2)
    assert flow.engine().wake_timers() == 1
    reminded = flow.settle(flow.engine().get(view.id))
    [reminder] = flow.rows(PaymentReminder)
    assert (reminder.invoice_number, float(reminder.amount)) == (reminded.data["invoice"]["number"], 20000)
    assert flow.rows(Invoice)[0].status == "overdue"
    assert open_names(reminded) == ["Task_await_payment"], "the reminder does not cancel the wait for payment"
    assert "timer_fired" in [e.kind for e in reminded.history]
    done = pay(flow, reminded)
    assert done.status == "completed" and flow.rows(Invoice)[0].status == "paid"
    assert flow.engine().wake_timers() == 0 and len(flow.rows(PaymentReminder)) == 1
