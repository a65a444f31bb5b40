"""Order handling when stock is short: one purchase_approval per short item, linked to the order's lines.

The cross-module path: an order whose stock is short starts purchase approvals (procurement.request_purchase,
once per short item through a multi-instance service task), which end in purchase orders and payment
requests in finance; the warehouse books the goods in per item, the order reserves again and ships.
"""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from order_fixtures import SALLY, SAM, WALT, history, lines, order_lines, pay, seed, ship, single, stock, the_order
from sqlalchemy import Engine

from engine import InstanceView, ServiceRegistry, WorkflowEngine
from modules.finance import PaymentRequest
from modules.inventory import Reservation, StockMove
from modules.procurement import PurchaseOrder, PurchaseRequisition
from modules.sales import SalesOrderLine


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "order_handling")


def receive(flow: Driver, view: InstanceView, item_code: str, quantity: int) -> InstanceView:
    """The warehouse task for one short item (there is one per short item, all named Task_receive_goods)."""
    [task] = [t for t in view.tasks if t.status == "open" and t.task_name == "Task_receive_goods"
              and f" · {item_code} ×" in t.title]
    return flow.settle(flow.engine().complete(task.id, WALT, {"received_quantity": quantity}))


def approve_purchase(flow: Driver, instance_id: int) -> InstanceView:
    buying = Driver(flow.db, flow.registry, "purchase_approval")
    return buying.complete(buying.settle(flow.engine().get(instance_id)), "Task_manager_approval", SAM,
                           decision="approve")


def links(flow: Driver) -> dict[str, int | None]:
    return {line.item_code: line.purchase_instance_id for line in flow.rows(SalesOrderLine)}


def test_short_stock_starts_a_purchase_approval_that_ends_in_a_payment_request(flow: Driver) -> None:
    seed(flow.db, MON_27=4)
    view = flow.start(single(10), SALLY)
    assert open_names(view) == ["Task_receive_goods"]
    order = the_order(flow)
    assert order.status == "awaiting_stock" and history(flow)[-1] == ("awaiting_stock", "MON-27 −6")
    [short] = flow.rows(Reservation)
    assert (short.status, short.quantity, short.shortfall) == ("short", 10, 6)
    [req] = flow.rows(PurchaseRequisition)
    assert (req.quantity, req.supplier, float(req.unit_price), req.department) == (6, "Dell China", 1200, "Sales")
    assert links(flow) == {"MON-27": req.purchase_instance_id}, "the order line points at the purchase"

    purchase = flow.engine().get(req.purchase_instance_id)
    assert (purchase.process, purchase.business_key, purchase.started_by) == (
        "purchase_approval", order.number, "sally")
    assert (purchase.data["item"], purchase.data["amount"]) == ("27-inch monitor", 7200)
    assert approve_purchase(flow, purchase.id).status == "completed"
    [po] = flow.rows(PurchaseOrder)
    [payment] = flow.rows(PaymentRequest)
    assert (po.quantity, po.supplier, float(payment.amount), payment.reference) == (6, "Dell China", 7200, po.number)

    arrived = receive(flow, flow.engine().get(view.id), "MON-27", 6)
    assert open_names(arrived) == ["Task_await_payment", "Task_ship"] and stock(flow)["MON-27"] == (10, 10)
    assert [r.status for r in flow.rows(Reservation)] == ["short", "reserved"]
    assert the_order(flow).status == "invoiced" and order_lines(flow) == [("MON-27", 10, 20000, 10, 0)]
    done = pay(flow, ship(flow, arrived))
    assert done.status == "completed" and stock(flow)["MON-27"] == (0, 0)
    assert [m.quantity for m in flow.rows(StockMove)] == [6, -10]
    assert len(flow.rows(PurchaseRequisition)) == 1, "one requisition, not one per step"
    assert links(flow) == {"MON-27": req.purchase_instance_id}, "the link stays once the line is reserved"


def test_two_short_items_start_two_purchases_and_a_partial_delivery_waits_without_a_third(flow: Driver) -> None:
    seed(flow.db, MON_27=4, DOCK_U=1)
    view = flow.start(lines(("MON-27", 10, 2000), ("DOCK-U", 3, 599), ("KB-01", 2, 99)), SALLY)
    assert sorted(t.title for t in view.tasks if t.status == "open") == [
        f"Goods in for {the_order(flow).number} · DOCK-U ×2", f"Goods in for {the_order(flow).number} · MON-27 ×6"]
    assert order_lines(flow) == [("MON-27", 10, 20000, 0, 6), ("DOCK-U", 3, 1797, 0, 2), ("KB-01", 2, 198, 0, 0)]
    assert stock(flow) == {"MON-27": (4, 0), "DOCK-U": (1, 0), "KB-01": (20, 0)}, "all lines or none"
    assert [(r.line, r.status, r.shortfall) for r in flow.rows(Reservation)] == [(1, "short", 6), (2, "short", 2)]
    requisitions = {r.item: r for r in flow.rows(PurchaseRequisition)}
    assert {k: (r.quantity, r.supplier) for k, r in requisitions.items()} == {
        "27-inch monitor": (6, "Dell China"), "USB-C dock": (2, "Lenovo")}
    assert links(flow) == {"MON-27": requisitions["27-inch monitor"].purchase_instance_id,
                           "DOCK-U": requisitions["USB-C dock"].purchase_instance_id, "KB-01": None}
    for req in requisitions.values():
        assert approve_purchase(flow, req.purchase_instance_id).status == "completed"
    assert sorted(float(p.amount) for p in flow.rows(PaymentRequest)) == [900, 7200]

    view = receive(flow, view, "MON-27", 6)
    assert open_names(view) == ["Task_receive_goods"], "the dock is still to come"
    view = receive(flow, view, "DOCK-U", 1)  # one of two arrives: reserve again, still one short
    assert [t.title.rsplit(" · ", 1)[1] for t in view.tasks if t.status == "open"] == ["DOCK-U ×1"]
    assert order_lines(flow)[1] == ("DOCK-U", 3, 1797, 0, 1) and the_order(flow).status == "awaiting_stock"
    assert len(flow.rows(PurchaseRequisition)) == 2, "the dock's purchase is already under way"

    view = receive(flow, view, "DOCK-U", 1)
    assert open_names(view) == ["Task_await_payment", "Task_ship"]
    assert order_lines(flow) == [("MON-27", 10, 20000, 10, 0), ("DOCK-U", 3, 1797, 3, 0), ("KB-01", 2, 198, 2, 0)]
    assert [(m.item_code, m.quantity, m.attempt) for m in flow.rows(StockMove)] == [
        ("MON-27", 6, 1), ("DOCK-U", 1, 1), ("DOCK-U", 1, 2)], "one receipt per delivery and attempt"
    done = pay(flow, ship(flow, view))
    assert done.status == "completed" and stock(flow) == {"MON-27": (0, 0), "DOCK-U": (0, 0), "KB-01": (18, 0)}
    assert [s for s, _ in history(flow)] == ["entered", "credit_approved", "awaiting_stock", "reserved",
                                             "invoiced", "shipped", "paid", "completed"]
