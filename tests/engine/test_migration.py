"""Moving running purchase requests to a newer version: the dry run says per instance whether it can move and
what blocks it; the move takes the movable ones, each with an event in its history, and leaves the rest running
on their version."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine import Actor, Bundle, Forbidden, ServiceRegistry, SourceFile, WorkflowEngine
from tests.engine.test_version_diff import _cut, _v2

PURCHASE = Path(__file__).resolve().parents[2] / "processes" / "purchase_approval" / "purchase_approval.bpmn"
RITA = Actor("rita", groups=frozenset({"requesters"}), department="it")
MIKE = Actor("mike", groups=frozenset({"it-managers"}))
FIONA = Actor("fiona", groups=frozenset({"finance-directors"}))
DAVE = Actor("dave", roles=frozenset({"designer"}))


def request(unit_price: float) -> dict:
    return {"item": "Laptop", "supplier": "ACME Ltd", "quantity": 1, "unit_price": unit_price,
            "reason": "new hires", "department": "it"}


def v2_without_revision() -> str:
    """v2 of the diff tests, and a return ends the request: 'Revise request' is gone."""
    xml = _cut(_v2(), '<bpmn:userTask id="Task_revise_request"', "</bpmn:userTask>")
    xml = _cut(xml, '<bpmn:sequenceFlow id="Flow_revised"', "/>")
    xml = _cut(xml, '<bpmndi:BPMNEdge id="Flow_revised_di"', "</bpmndi:BPMNEdge>")
    xml = _cut(xml, '<bpmndi:BPMNShape id="Task_revise_request_di"', "</bpmndi:BPMNShape>")
    xml = xml.replace("<bpmn:flowNodeRef>Task_revise_request</bpmn:flowNodeRef>", "")
    xml = xml.replace("<bpmn:incoming>Flow_revised</bpmn:incoming>", "")
    xml = xml.replace('targetRef="Task_revise_request"', 'targetRef="End_rejected"')
    return xml.replace("<bpmn:incoming>Flow_manager_rejected</bpmn:incoming>",
                       "<bpmn:incoming>Flow_manager_rejected</bpmn:incoming>"
                       "<bpmn:incoming>Flow_manager_returned</bpmn:incoming>", 1)


def _open(engine: WorkflowEngine, instance_id: int) -> list:
    return [t for t in engine.get(instance_id).tasks if t.status == "open"]


@pytest.fixture
def instances(workflow_engine: WorkflowEngine) -> dict[str, int]:
    """Requests at different steps of v1, then v2 deployed."""
    eng = workflow_engine
    at_manager = eng.start("purchase_approval", request(9000), RITA).id
    at_finance = eng.start("purchase_approval", request(90000), RITA).id
    eng.complete(_open(eng, at_finance)[0].id, MIKE, {"decision": "approve"})
    at_revision = eng.start("purchase_approval", request(8000), RITA).id
    eng.complete(_open(eng, at_revision)[0].id, MIKE, {"decision": "return", "comment": "quote please"})
    revised = eng.start("purchase_approval", request(7000), RITA).id
    eng.complete(_open(eng, revised)[0].id, MIKE, {"decision": "return", "comment": "quote please"})
    eng.complete(_open(eng, revised)[0].id, RITA, {**request(6500), "lines": [], "reason": "quote attached"})
    done = eng.start("purchase_approval", request(9000), RITA).id
    eng.complete(_open(eng, done)[0].id, MIKE, {"decision": "reject", "comment": "no"})
    old = Bundle.from_path(PURCHASE)
    eng.deploy_bundle(Bundle(SourceFile(PURCHASE.name, v2_without_revision().encode()), old.dmn, old.forms), "dave")
    return {"manager": at_manager, "finance": at_finance, "revision": at_revision, "revised": revised, "done": done}


def test_the_dry_run_says_which_can_move_and_what_blocks_the_others(workflow_engine: WorkflowEngine,
                                                                     instances: dict[str, int]) -> None:
    target, checks, more = workflow_engine.migration_plan("purchase_approval", DAVE)
    assert target.version == 2 and not more
    by_id = {c.instance_id: c for c in checks}
    assert instances["done"] not in by_id, "finished instances are not candidates"
    assert by_id[instances["manager"]].movable and by_id[instances["manager"]].at == ("Department manager approval",)
    assert by_id[instances["finance"]].movable
    assert tuple(map(str, by_id[instances["revision"]].blockers)) == ("its current step 'Revise request' is not in v2",)
    assert tuple(map(str, by_id[instances["revised"]].blockers)) == (
        "it has passed 'Revise request', which v2 no longer has",)
    (blocker,) = by_id[instances["revision"]].blockers
    assert blocker.code == "step_removed" and blocker.values == {
        "step": "Task_revise_request", "name": "Revise request", "version": 2}, "the reader's words come from codes"
    assert all(workflow_engine.get(i).version == 1 for i in instances.values()), "a dry run moves nothing"
    with pytest.raises(Forbidden):
        workflow_engine.migration_plan("purchase_approval", RITA)


def test_the_move_takes_the_movable_ones_into_their_history_and_they_run_on(
        db: Engine, registry: ServiceRegistry, workflow_engine: WorkflowEngine, instances: dict[str, int]) -> None:
    before = _open(workflow_engine, instances["manager"])[0].id
    results = {r.instance_id: r for r in workflow_engine.migrate("purchase_approval", DAVE)}
    assert {i for i, r in results.items() if r.movable} == {instances["manager"], instances["finance"]}
    fresh = WorkflowEngine(db, registry)  # another worker: only the rows tell it
    moved = fresh.get(instances["manager"])
    assert moved.version == 2
    [event] = [e for e in moved.history if e.kind == "instance_migrated"]
    assert (event.actor, event.detail["from_version"], event.detail["to_version"]) == ("dave", 1, 2)
    [task] = _open(fresh, instances["manager"])
    assert task.id == before, "the open task keeps its row"
    view = fresh.complete(task.id, MIKE, {"decision": "approve"})
    assert [t.task_name for t in view.tasks if t.status == "open"] == ["Task_notify"], "v2's new step"
    finance = _open(fresh, instances["finance"])[0]
    assert fresh.complete(finance.id, FIONA, {"decision": "approve"}).version == 2
    left = fresh.get(instances["revision"])
    assert left.version == 1 and [t.task_name for t in left.tasks if t.status == "open"] == ["Task_revise_request"]
    assert fresh.complete(_open(fresh, left.id)[0].id, RITA, {**request(7500), "lines": []}).status == "waiting"
