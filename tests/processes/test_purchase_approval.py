"""Purchase approval (processes/purchase_approval): one test per path through the flow.

Below 5,000 the department manager decides (and the request is flagged for automatic approval
by rule); up to 50,000 the manager alone; above that the finance director as well. An approved
request becomes a purchase order and a payment request; a rejected one keeps the comment.

At every wait state the test goes on with a new WorkflowEngine on the same database, so nothing
is carried over in memory: the workflow is read back from the instance row, as another worker or
host would. It also checks that the saved state restores to the same ready tasks.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flow_driver import Driver
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import (
    Actor,
    Forbidden,
    InstanceView,
    InvalidData,
    ProcessInstance,
    ServiceRegistry,
    WorkflowEngine,
    utcnow,
)
from modules.finance import Budget, PaymentRequest, budget_status, current_period
from modules.procurement import Contract, PurchaseOrder, PurchaseOrderLine, Supplier

RITA = Actor("rita", groups=frozenset({"requesters"}), department="it")
MIKE = Actor("mike", groups=frozenset({"it-managers"}))
FIONA = Actor("fiona", groups=frozenset({"finance-directors"}))
MAX = Actor("max", groups=frozenset({"requesters", "it-managers"}), department="it")


def request(quantity: int, unit_price: float, **extra: Any) -> dict[str, Any]:
    return {"item": "Laptop", "supplier": "ACME Ltd", "quantity": quantity, "unit_price": unit_price,
            "reason": "new hires", "department": "it", **extra}


class Flow(Driver):
    """Drives one purchase request, switching to a fresh engine at every wait state."""

    def __init__(self, db: Engine, registry: ServiceRegistry) -> None:
        super().__init__(db, registry, "purchase_approval")

    def start(self, data: dict[str, Any], actor: Actor = RITA) -> InstanceView:
        return super().start(data, actor)

    def decide(self, view: InstanceView, actor: Actor, **data: Any) -> InstanceView:
        [task] = [t for t in view.tasks if t.status == "open"]
        return self.settle(self.engine().complete(task.id, actor, data))

    def orders(self) -> tuple[list[PurchaseOrder], list[PaymentRequest]]:
        with Session(self.db) as session:
            return list(session.scalars(select(PurchaseOrder))), list(session.scalars(select(PaymentRequest)))


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Flow:
    assert "purchase_approval" in [p.key for p in workflow_engine.processes()]
    return Flow(db, registry)


def _open(view: InstanceView) -> list:
    return [t for t in view.tasks if t.status == "open"]


def _who_did_what(view: InstanceView) -> list[tuple[str, str, str | None]]:
    return [(e.kind, e.actor, e.task_name) for e in view.history if e.kind != "step_completed"]


def test_small_request_goes_to_the_manager_flagged_for_automatic_approval(flow: Flow) -> None:
    view = flow.start(request(2, 1000))
    assert view.status == "waiting"
    assert (view.data["amount"], view.data["approval_level"], view.data["auto_approval_eligible"]) == \
           (2000, "manager", True)
    [task] = _open(view)
    assert (task.task_name, task.candidate_group, task.form, task.excluded_user) == \
           ("Task_manager_approval", "it-managers", "manager_approval", "rita")
    assert task.title.startswith("Laptop × 2"), "the inbox shows what is being bought"
    assert [t.id for t in flow.engine().open_tasks(MIKE)] == [task.id]


def test_one_level_manager_approval_orders_and_requests_payment(flow: Flow) -> None:
    view = flow.start(request(3, 4000))
    assert (view.data["approval_level"], view.data["auto_approval_eligible"]) == ("manager", False)

    done = flow.decide(view, MIKE, decision="approve", comment="fine")
    assert done.status == "completed" and done.data["outcome"] == "approved"
    [order], [payment] = flow.orders()
    assert (order.instance_id, order.quantity, float(order.unit_price)) == (view.id, 3, 4000)
    assert float(order.amount) == 12000
    assert (order.supplier, order.requested_by, order.department) == ("ACME Ltd", "rita", "it")
    assert (float(payment.amount), payment.payee, payment.reference) == (12000, "ACME Ltd", order.number)
    assert done.data["purchase_order"]["number"] == order.number
    assert done.data["payment_request"]["number"] == payment.number
    assert _who_did_what(done) == [
        ("instance_started", "rita", None),
        ("task_created", "system", "Task_manager_approval"),
        ("task_completed", "mike", "Task_manager_approval"),
        ("instance_completed", "mike", None),
    ]
    steps = [e.task_name for e in done.history if e.kind == "step_completed"]
    assert steps == ["Task_compute_amount", "Task_approval_level", "Task_check_budget",
                     "Task_create_purchase_order", "Task_request_payment"]


def test_two_levels_manager_then_finance_director(flow: Flow) -> None:
    view = flow.start(request(2, 40000))
    assert view.data["approval_level"] == "manager_and_finance"
    after_manager = flow.decide(view, MIKE, decision="approve")
    assert after_manager.status == "waiting"
    [task] = _open(after_manager)
    assert (task.task_name, task.candidate_group, task.excluded_user) == \
           ("Task_finance_approval", "finance-directors", "rita")
    assert flow.orders() == ([], []), "nothing is ordered before finance agrees"
    assert flow.engine().open_tasks(MIKE) == []

    done = flow.decide(after_manager, FIONA, decision="approve")
    assert done.status == "completed" and done.data["outcome"] == "approved"
    [order], [payment] = flow.orders()
    assert float(order.amount) == float(payment.amount) == 80000
    assert [(k, a, t) for k, a, t in _who_did_what(done) if k == "task_completed"] == [
        ("task_completed", "mike", "Task_manager_approval"),
        ("task_completed", "fiona", "Task_finance_approval"),
    ]


@pytest.mark.parametrize("quantity, unit_price, level, eligible", [
    (1, 4999.99, "manager", True),
    (1, 5000, "manager", False),
    (1, 50000, "manager", False),
    (1, 50000.01, "manager_and_finance", False),
])
def test_thresholds(flow: Flow, quantity: int, unit_price: float, level: str, eligible: bool) -> None:
    view = flow.start(request(quantity, unit_price))
    assert (view.data["approval_level"], view.data["auto_approval_eligible"]) == (level, eligible)


def test_manager_rejection_keeps_the_comment_and_orders_nothing(flow: Flow) -> None:
    view = flow.start(request(3, 4000))
    done = flow.decide(view, MIKE, decision="reject", comment="Use the spare laptops first")
    assert done.status == "completed"
    assert (done.data["outcome"], done.data["rejection_comment"]) == ("rejected", "Use the spare laptops first")
    assert flow.orders() == ([], [])
    [completed] = [e for e in done.history if e.kind == "task_completed"]
    assert (completed.actor, completed.detail["outcome"], completed.detail["comment"]) == \
           ("mike", "reject", "Use the spare laptops first")
    assert [t.comment for t in done.tasks] == ["Use the spare laptops first"]


def test_finance_rejection_after_manager_approval(flow: Flow) -> None:
    view = flow.decide(flow.start(request(2, 40000)), MIKE, decision="approve")
    done = flow.decide(view, FIONA, decision="reject", comment="Over budget this quarter")
    assert (done.status, done.data["outcome"]) == ("completed", "rejected")
    assert done.data["rejection_comment"] == "Over budget this quarter"
    assert flow.orders() == ([], [])
    assert [(e.actor, e.detail["outcome"]) for e in done.history if e.kind == "task_completed"] == [
        ("mike", "approve"), ("fiona", "reject")]


def test_rejection_needs_a_comment(flow: Flow) -> None:
    view = flow.start(request(3, 4000))
    with pytest.raises(InvalidData) as info:
        flow.decide(view, MIKE, decision="reject")
    assert set(info.value.errors) == {"comment"}
    assert flow.engine().get(view.id).status == "waiting"


def test_requester_who_is_a_manager_cannot_approve_their_own_request(flow: Flow) -> None:
    view = flow.start(request(3, 4000), actor=MAX)
    [task] = _open(view)
    assert task.excluded_user == "max"
    assert flow.engine().open_tasks(MAX) == []
    with pytest.raises(Forbidden):
        flow.engine().complete(task.id, MAX, {"decision": "approve"})
    with pytest.raises(Forbidden):
        flow.engine().claim(task.id, MAX)
    still = flow.settle(flow.engine().get(view.id))
    assert still.status == "waiting" and [t.id for t in _open(still)] == [task.id]
    assert [t.id for t in flow.engine().open_tasks(MIKE)] == [task.id]
    assert flow.decide(still, MIKE, decision="approve").status == "completed"


# -- budget check and return to the requester ---------------------------------------------------

def set_budget(db: Engine, department: str, amount: float) -> None:
    with Session(db) as session, session.begin():
        session.add(Budget(department=department, period=current_period(), amount=amount))


def test_a_request_within_the_budget_needs_only_the_manager(flow: Flow) -> None:
    set_budget(flow.db, "it", 100000)
    view = flow.start(request(3, 4000))
    assert (view.data["over_budget"], view.data["budget_remaining"]) == (False, 100000)
    done = flow.decide(view, MIKE, decision="approve")
    assert done.status == "completed" and done.data["outcome"] == "approved"
    with Session(flow.db) as session:
        assert budget_status(session, "it", current_period()).remaining == 88000, "the payment is committed"


def test_a_request_over_the_remaining_budget_escalates_to_the_finance_director(flow: Flow) -> None:
    set_budget(flow.db, "it", 20000)
    first = flow.decide(flow.start(request(3, 4000)), MIKE, decision="approve")
    assert first.status == "completed"  # 12,000 of 20,000 now committed

    view = flow.start(request(2, 5000))  # 10,000 > 8,000 remaining, although below the finance threshold
    assert view.data["approval_level"] == "manager"
    assert (view.data["over_budget"], view.data["budget_remaining"]) == (True, 8000)
    assert view.data["budget_check"]["budget"] == 20000
    after_manager = flow.decide(view, MIKE, decision="approve")
    [task] = _open(after_manager)
    assert (task.task_name, task.candidate_group) == ("Task_finance_approval", "finance-directors")
    assert after_manager.data["budget_check"]["remaining"] == 8000, "the director sees the budget"
    done = flow.decide(after_manager, FIONA, decision="approve", comment="take it from Q1 reserve")
    assert done.data["outcome"] == "approved"
    _, payments = flow.orders()
    assert [float(p.amount) for p in payments] == [12000, 10000]


def test_over_budget_rejected_by_the_director_orders_nothing(flow: Flow) -> None:
    set_budget(flow.db, "it", 1000)
    view = flow.decide(flow.start(request(3, 4000)), MIKE, decision="approve")
    done = flow.decide(view, FIONA, decision="reject", comment="no budget left")
    assert (done.data["outcome"], done.data["rejection_comment"]) == ("rejected", "no budget left")
    assert flow.orders() == ([], [])


def test_manager_returns_the_request_and_the_requester_revises_it(flow: Flow) -> None:
    view = flow.start(request(3, 40000))
    assert view.data["approval_level"] == "manager_and_finance"
    with pytest.raises(InvalidData) as info:
        flow.decide(view, MIKE, decision="return")
    assert set(info.value.errors) == {"comment"}, "a return says what to change"

    returned = flow.decide(view, MIKE, decision="return", comment="Two will do, and ask for a better price")
    [revise] = _open(returned)
    assert (revise.task_name, revise.assignee, revise.form) == ("Task_revise_request", "rita", "revise")
    assert [t.id for t in flow.engine().open_tasks(RITA)] == [revise.id], "only the requester gets it"
    assert flow.engine().open_tasks(MIKE) == []
    with pytest.raises(Forbidden):
        flow.engine().complete(revise.id, MIKE, {"supplier": "x", "quantity": 1, "unit_price": 1, "reason": "x"})

    revised = flow.decide(returned, RITA, supplier="ACME Ltd", quantity=2, unit_price=9000, reason="two laptops")
    [again] = _open(revised)
    assert (again.task_name, again.candidate_group) == ("Task_manager_approval", "it-managers")
    assert (revised.data["amount"], revised.data["approval_level"]) == (18000, "manager"), "recomputed"
    done = flow.decide(revised, MIKE, decision="approve")
    assert done.status == "completed"
    [order], [payment] = flow.orders()
    assert (order.quantity, float(order.amount), float(payment.amount)) == (2, 18000, 18000)
    assert [(e.actor, e.task_name) for e in done.history if e.kind == "task_completed"] == [
        ("mike", "Task_manager_approval"), ("rita", "Task_revise_request"), ("mike", "Task_manager_approval")]


# -- requests with several lines ----------------------------------------------------------------

LINES = [{"item_code": "LAP-X1", "item": "ThinkPad X1", "quantity": 2, "unit": "pcs", "unit_price": 9800},
         {"item": "USB-C dock", "quantity": 4, "unit_price": 450}]


def lines_request(lines: list[dict[str, Any]] = LINES, **extra: Any) -> dict[str, Any]:
    return {"supplier": "ACME Ltd", "lines": lines, "reason": "new hires", "department": "it", **extra}


def _order_lines(flow: Flow) -> list[tuple]:
    return [(x.line_no, x.item_code, x.item, x.quantity, x.unit, float(x.unit_price), float(x.amount))
            for x in flow.rows(PurchaseOrderLine)]


def test_a_request_with_lines_becomes_an_order_with_the_same_lines(flow: Flow) -> None:
    view = flow.start(lines_request())
    assert (view.data["amount"], view.data["item"], view.data["quantity"]) == (21400, "ThinkPad X1, USB-C dock", 6)
    [task] = _open(view)
    assert task.title == "ThinkPad X1, USB-C dock · ACME Ltd"
    assert flow.orders() == ([], []), "nothing is ordered while the manager decides"

    done = flow.decide(view, MIKE, decision="approve")
    [order], [payment] = flow.orders()
    assert (order.item, order.quantity, order.unit_price, float(order.amount)) == \
           ("ThinkPad X1, USB-C dock", 6, None, 21400)
    assert _order_lines(flow) == [(1, "LAP-X1", "ThinkPad X1", 2, "pcs", 9800, 19600),
                                  (2, "", "USB-C dock", 4, "", 450, 1800)]
    assert (float(payment.amount), payment.reference) == (21400, order.number)
    assert done.data["purchase_order"]["lines"] == 2


def test_a_bad_line_is_refused_at_the_start_naming_its_row_and_column(flow: Flow) -> None:
    bad = [LINES[0], {"item": "USB-C dock", "quantity": 0, "unit_price": "cheap"}]
    with pytest.raises(InvalidData) as info:
        flow.start(lines_request(bad))
    assert info.value.errors == {"lines[2].quantity": "must be at least 1", "lines[2].unit_price": "must be a number"}
    with pytest.raises(InvalidData) as info:
        flow.start(lines_request([]))
    assert set(info.value.errors) == {"lines", "item", "quantity", "unit_price"}, "one item or lines"
    assert flow.rows(ProcessInstance) == []


def test_the_requester_revises_the_lines_of_a_returned_request(flow: Flow) -> None:
    returned = flow.decide(flow.start(lines_request()), MIKE, decision="return", comment="one dock per laptop")
    revised = flow.decide(returned, RITA, supplier="ACME Ltd", reason="two laptops, two docks",
                          lines=[LINES[0], {**LINES[1], "quantity": 2}])
    assert (revised.data["amount"], revised.data["quantity"]) == (20500, 4), "recomputed from the new lines"
    flow.decide(revised, MIKE, decision="approve")
    [order], _ = flow.orders()
    assert float(order.amount) == 20500
    assert [(n, q, a) for n, _, _, q, _, _, a in _order_lines(flow)] == [(1, 2, 19600), (2, 2, 900)]


def test_an_order_for_a_supplier_under_contract_names_the_contract(flow: Flow) -> None:
    today = utcnow().date()
    with Session(flow.db) as session, session.begin():
        session.add(Supplier(code="S-1", name="ACME Ltd", category="it", status="active"))
        session.flush()
        session.add(Contract(number="K-2026-01", supplier_code="S-1", title="IT hardware", amount_cap=500000,
                             valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=355),
                             status="active"))
    done = flow.decide(flow.start(request(3, 4000)), MIKE, decision="approve")
    [order], _ = flow.orders()
    assert order.contract_number == done.data["purchase_order"]["contract"] == "K-2026-01"
