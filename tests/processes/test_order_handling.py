"""Order handling (processes/order_handling): credit check on the order total, reservation of every line,
shipping and invoicing in parallel, the payment reminder, and the order's status at each step.

The stock-short paths (purchase approvals per short item) are in test_order_shortage.py. Every wait
state is saved, restored and compared with the inbox by the shared Driver.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flow_driver import Driver, open_names
from order_fixtures import SALLY, SAM, history, lines, order_lines, pay, seed, ship, single, stock, the_order
from sqlalchemy import Engine

from engine import ServiceRegistry, WorkflowEngine
from modules.finance import Invoice, PaymentReminder
from modules.inventory import Reservation, StockMove
from modules.sales import SalesOrder, SalesOrderEvent

THREE_LINES = (("MON-27", 10, 2000), ("DOCK-U", 5, 599), ("KB-01", 2, 99))  # 20,000 + 2,995 + 198


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "order_handling")


def test_an_order_of_three_lines_reserves_ships_and_invoices_every_line(flow: Driver) -> None:
    seed(flow.db)
    view = flow.start(lines(*THREE_LINES), SALLY)
    assert view.status == "waiting" and open_names(view) == ["Task_await_payment", "Task_ship"]
    order = the_order(flow)
    assert (order.number, float(order.amount), order.items) == (
        view.data["sales_order"]["number"], 23193, "MON-27 ×10, DOCK-U ×5, KB-01 ×2")
    assert (view.data["lines"], view.data["amount"]) == (order.items, 23193), "what the task pages show"
    assert order_lines(flow) == [("MON-27", 10, 20000, 10, 0), ("DOCK-U", 5, 2995, 5, 0), ("KB-01", 2, 198, 2, 0)]
    assert stock(flow) == {"MON-27": (100, 10), "DOCK-U": (50, 5), "KB-01": (20, 2)}
    assert [(r.line, r.item_code, r.status) for r in flow.rows(Reservation)] == [
        (1, "MON-27", "reserved"), (2, "DOCK-U", "reserved"), (3, "KB-01", "reserved")]
    [invoice] = flow.rows(Invoice)
    assert (float(invoice.amount), invoice.reference) == (23193, order.number), "the invoice bills the order total"
    assert order.status == "invoiced"

    paid = pay(flow, view)
    assert open_names(paid) == ["Task_ship"] and the_order(flow).status == "paid"
    done = ship(flow, paid)
    assert (done.status, done.data["outcome"]) == ("completed", "completed")
    assert stock(flow) == {"MON-27": (90, 0), "DOCK-U": (45, 0), "KB-01": (18, 0)}
    assert [(m.line, m.item_code, m.quantity, m.reference) for m in flow.rows(StockMove)] == [
        (1, "MON-27", -10, order.number), (2, "DOCK-U", -5, order.number), (3, "KB-01", -2, order.number)]
    assert {r.status for r in flow.rows(Reservation)} == {"issued"}
    assert history(flow) == [("entered", ""), ("credit_approved", "23,193.00 / 100,000.00"), ("reserved", ""),
                             ("invoiced", invoice.number), ("paid", "CMB-0001"), ("shipped", "SF Express SF123"),
                             ("completed", "")]
    assert the_order(flow).status == "completed" and len(flow.rows(Invoice)) == 1


def test_a_one_item_order_entered_with_item_fields_still_runs(flow: Driver) -> None:
    seed(flow.db)
    view = ship(flow, flow.start(single(10), SALLY))
    assert the_order(flow).status == "shipped" and the_order(flow).entered_by == "sally"
    assert order_lines(flow) == [("MON-27", 10, 20000, 10, 0)]
    done = pay(flow, view)
    assert done.status == "completed" and stock(flow)["MON-27"] == (90, 0)
    assert [m.quantity for m in flow.rows(StockMove)] == [-10]


def test_the_credit_check_uses_the_order_total_and_the_sales_manager_releases_it(flow: Driver) -> None:
    seed(flow.db, credit_limit=23000)
    view = flow.start(lines(*THREE_LINES), SALLY)
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.candidate_group) == ("Task_credit_approval", "Sales-managers")
    assert view.data["credit"]["exposure"] == 23193 and view.data["credit"]["credit_limit"] == 23000
    assert the_order(flow).status == "credit_hold"
    assert stock(flow)["MON-27"] == (100, 0), "nothing reserved before credit is approved"
    approved = flow.complete(view, "Task_credit_approval", SAM, decision="approve", comment="long-time customer")
    assert open_names(approved) == ["Task_await_payment", "Task_ship"] and stock(flow)["MON-27"] == (100, 10)
    assert history(flow)[:4] == [("entered", ""), ("credit_hold", "23,193.00 / 23,000.00"), ("credit_approved", ""),
                                 ("reserved", "")]
    assert [e.actor for e in flow.rows(SalesOrderEvent)][:3] == ["sally", "sally", "sam"], "who moved it on"
    assert pay(flow, ship(flow, approved)).status == "completed"


def test_credit_rejected_marks_the_order_rejected(flow: Driver) -> None:
    seed(flow.db, credit_limit=15000)
    view = flow.start(lines(*THREE_LINES), SALLY)
    done = flow.complete(view, "Task_credit_approval", SAM, decision="reject", comment="overdue invoices")
    assert (done.status, done.data["outcome"]) == ("completed", "rejected")
    assert the_order(flow).status == "rejected" and [s for s, _ in history(flow)] == [
        "entered", "credit_hold", "rejected"]
    assert flow.rows(Invoice) == [] and flow.rows(Reservation) == [] and stock(flow)["MON-27"] == (100, 0)


def test_a_bad_line_fails_the_instance_naming_the_line_and_writes_no_order(flow: Driver) -> None:
    seed(flow.db)
    view = flow.engine().start("order_handling", lines(("MON-27", 1, 2000), ("NOPE", 1, 10)), SALLY)
    assert view.status == "error" and "line 2 item_code: no item NOPE" in view.error_message
    assert flow.rows(SalesOrder) == []


def test_unknown_customer_fails_the_instance_with_the_reason(flow: Driver) -> None:
    seed(flow.db)
    view = flow.engine().start("order_handling", {**single(1), "customer_code": "NOPE"}, SALLY)
    assert view.status == "error" and "no customer NOPE" in view.error_message
    assert flow.rows(SalesOrder) == []


def test_an_unpaid_invoice_gets_a_reminder_when_overdue_and_the_order_still_completes(
        workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> None:
    now = [datetime(2026, 11, 2, 9, 0)]
    flow = Driver(db, registry, "order_handling", clock=lambda: now[0])
    seed(db)
    view = ship(flow, flow.start(lines(*THREE_LINES), SALLY))
    assert open_names(view) == ["Task_await_payment"] and flow.rows(PaymentReminder) == []
    now[0] += timedelta(days=29)
    assert flow.engine().wake_timers() == 0, "not overdue yet"
    now[0] += timedelta(days=2)
    assert flow.engine().wake_timers() == 1
    reminded = flow.settle(flow.engine().get(view.id))
    [reminder] = flow.rows(PaymentReminder)
    assert (reminder.invoice_number, float(reminder.amount)) == (reminded.data["invoice"]["number"], 23193)
    assert flow.rows(Invoice)[0].status == "overdue" and the_order(flow).status == "shipped"
    assert open_names(reminded) == ["Task_await_payment"], "the reminder does not cancel the wait for payment"
    assert "timer_fired" in [e.kind for e in reminded.history]
    done = pay(flow, reminded)
    assert done.status == "completed" and flow.rows(Invoice)[0].status == "paid"
    assert the_order(flow).status == "completed"
    assert flow.engine().wake_timers() == 0 and len(flow.rows(PaymentReminder)) == 1
