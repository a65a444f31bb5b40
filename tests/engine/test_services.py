"""Service tasks: operations come from the registry, and a failing one costs nothing but a retry.

A failing operation puts the instance in `error` with the operation named, and whatever it had
written is rolled back with it; an operator's retry after the cause is fixed completes the step
once, so the business record exists exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, service, user, write

from engine import (
    Actor,
    Conflict,
    DefinitionError,
    InvalidData,
    ServiceCall,
    ServiceRegistry,
    WorkflowEngine,
)
from modules.procurement import PurchaseOrder
from modules.procurement.purchase_order import CreatePurchaseOrder, create_purchase_order
from tests.bench.statements import counting

REQUESTER = Actor("rita", groups=frozenset({"buyers"}))
ADMIN = Actor("root", roles=frozenset({"admin"}))


@dataclass(frozen=True)
class PlaceOrder:
    item: str
    quantity: int


class FlakySupplier:
    """Writes the purchase order, then fails while `down`: the write must not survive the failure."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0

    def __call__(self, call: ServiceCall, req: PlaceOrder) -> dict[str, Any]:
        self.calls += 1
        order = create_purchase_order(call, CreatePurchaseOrder(
            item=req.item, supplier="ACME", quantity=req.quantity, unit_price=10.0, department="it",
            requested_by=call.actor))
        if self.down:
            raise ConnectionError("supplier system is down")
        return order


ORDER_FLOW = linear("ordering", service("order", "qa.place_order", {"item": "item", "quantity": "quantity"},
                                        result="order"), user("check", "buyers"))


@pytest.fixture
def supplier() -> FlakySupplier:
    return FlakySupplier()


@pytest.fixture
def ordering(db: Engine, supplier: FlakySupplier, tmp_path: Path) -> WorkflowEngine:
    registry = ServiceRegistry()
    registry.register("qa.place_order", supplier, PlaceOrder)
    wf = WorkflowEngine(db, registry)
    wf.deploy_path(write(tmp_path, "ordering", ORDER_FLOW))
    return wf


def _orders(db: Engine) -> list[PurchaseOrder]:
    with Session(db) as session:
        return list(session.scalars(select(PurchaseOrder)))


def test_failing_operation_fails_the_instance_naming_it_and_writes_nothing(ordering: WorkflowEngine,
                                                                          db: Engine) -> None:
    view = ordering.start("ordering", {"item": "paper", "quantity": 3}, REQUESTER)
    assert (view.status, view.error_task) == ("error", "order")
    assert "qa.place_order" in view.error_message
    assert "supplier system is down" in view.error_message
    assert "NameError" not in view.error_message
    assert _orders(db) == [], "the order written before the failure must be rolled back"
    assert [e.kind for e in ordering.get(view.id).history][-1] == "instance_error"


def test_retry_after_the_cause_is_fixed_completes_the_step_once(ordering: WorkflowEngine, db: Engine,
                                                               supplier: FlakySupplier) -> None:
    view = ordering.start("ordering", {"item": "paper", "quantity": 3}, REQUESTER)
    assert ordering.retry(view.id, ADMIN).status == "error"
    supplier.down = False

    fixed = ordering.retry(view.id, ADMIN)
    assert fixed.status == "waiting"
    assert fixed.error_message is None and fixed.error_task is None
    assert [t.task_name for t in fixed.tasks if t.status == "open"] == ["check"]
    orders = _orders(db)
    assert len(orders) == 1
    assert (orders[0].instance_id, orders[0].task_name, float(orders[0].amount)) == (view.id, "order", 30.0)
    assert fixed.data["order"]["number"] == orders[0].number
    assert supplier.calls == 3
    with pytest.raises(Conflict):
        ordering.retry(view.id, ADMIN)
    assert len(_orders(db)) == 1


@dataclass(frozen=True)
class LookUp:
    item: str


def _look_up(call: ServiceCall, req: LookUp) -> dict[str, Any]:
    if req.item == "unknown":
        raise LookupError("the catalogue has no such item")
    return {"in_stock": True}


def test_a_check_that_writes_nothing_runs_without_a_savepoint_and_fails_just_as_cleanly(db: Engine,
                                                                                      tmp_path: Path) -> None:
    registry = ServiceRegistry()
    registry.register("qa.look_up_item", _look_up, LookUp, reads_only=True)
    wf = WorkflowEngine(db, registry)
    wf.deploy_path(write(tmp_path, "looking", linear(
        "looking", service("look", "qa.look_up_item", {"item": "item"}, result="stock"), user("check", "buyers"))))
    with counting(db) as count:
        found = wf.start("looking", {"item": "paper"}, REQUESTER)
    assert found.status == "waiting" and found.data["stock"] == {"in_stock": True}
    assert not [t for t in count.texts if "SAVEPOINT" in t.upper()], count
    failed = wf.start("looking", {"item": "unknown"}, REQUESTER)
    assert (failed.status, failed.error_task) == ("error", "look")
    assert "the catalogue has no such item" in failed.error_message


def test_bad_parameters_are_refused_at_deploy_naming_the_field(db: Engine) -> None:
    registry = ServiceRegistry()
    registry.register("qa.place_order", lambda call, req: {}, PlaceOrder)
    wf = WorkflowEngine(db, registry)
    with pytest.raises(DefinitionError) as info:
        wf.deploy_bundle(bundle(linear("partial", service("order", "qa.place_order", {"item": "'pens'"}))))
    [problem] = info.value.problems
    assert problem.element_id == "order" and "needs the parameter 'quantity'" in problem.message
    assert wf.processes() == []


def test_a_parameter_missing_at_run_time_fails_the_step_naming_the_field() -> None:
    op = ServiceRegistry()
    op.register("qa.place_order", lambda call, req: {}, PlaceOrder)
    with pytest.raises(InvalidData) as info:
        op.get("qa.place_order").build_params({"item": "pens"})
    assert info.value.errors == {"quantity": "required by qa.place_order"}


def test_unknown_operation_is_refused_at_deploy_naming_the_service_task(wf_engine: WorkflowEngine) -> None:
    xml = linear("unknown_op", service("pay", "finance.pay_everything", {"amount": "1"}))
    with pytest.raises(DefinitionError) as info:
        wf_engine.deploy_bundle(bundle(xml))
    [problem] = info.value.problems
    assert (problem.element, problem.element_id) == ("bpmn:serviceTask", "pay")
    assert "finance.pay_everything" in problem.message
    assert wf_engine.processes() == []


def test_registry_refuses_bad_names_duplicates_and_untyped_parameters() -> None:
    registry = ServiceRegistry()
    registry.register("qa.place_order", lambda call, req: {}, PlaceOrder)
    with pytest.raises(ValueError, match="twice"):
        registry.register("qa.place_order", lambda call, req: {}, PlaceOrder)
    for name in ("placeorder", "QA.place_order", "qa.order"):
        with pytest.raises(ValueError, match="<module>.<verb>_<noun>"):
            registry.register(name, lambda call, req: {}, PlaceOrder)
    with pytest.raises(TypeError, match="dataclass"):
        registry.register("qa.place_other", lambda call, req: {}, dict)
    assert registry.names() == ["qa.place_order"] and "qa.place_order" in registry


def test_parameters_are_checked_against_the_dataclass() -> None:
    registry = ServiceRegistry()
    registry.register("qa.place_order", lambda call, req: {}, PlaceOrder)
    op = registry.get("qa.place_order")
    assert op.build_params({"item": "pens", "quantity": 2}) == PlaceOrder("pens", 2)
    with pytest.raises(InvalidData) as info:
        op.build_params({"item": "pens", "colour": "red"})
    assert set(info.value.errors) == {"quantity", "colour"}


def test_module_operations_are_registered(registry: ServiceRegistry) -> None:
    assert {"procurement.create_purchase_order", "finance.request_payment"} <= set(registry.names())



def test_each_instance_of_a_multi_instance_service_task_is_its_own_step(db: Engine) -> None:
    """One step name per item (`order[pens]`), so the made_by_step guard of each item finds only its own record."""
    steps: list[str] = []
    registry = ServiceRegistry()
    registry.register("qa.place_order", lambda call, req: steps.append(call.task_name) or {}, PlaceOrder)
    loop = ('<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>wanted</bpmn:loopDataInputRef>'
            '<bpmn:inputDataItem id="line" name="line" /></bpmn:multiInstanceLoopCharacteristics>')
    many = service("order", "qa.place_order", {"item": 'line["item"]', "quantity": 'line["quantity"]'})
    wf = WorkflowEngine(db, registry)
    wf.deploy_bundle(bundle(linear("many", many.replace("</bpmn:serviceTask>", loop + "</bpmn:serviceTask>"))))
    wanted = {"pens": {"item": "pens", "quantity": 2}, "paper": {"item": "paper", "quantity": 5}}
    assert wf.start("many", {"wanted": wanted}, REQUESTER).status == "completed"
    assert sorted(steps) == ["order[paper]", "order[pens]"]
