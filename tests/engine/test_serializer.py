"""State-only workflow JSON: what an instance row holds, and that it restores to the same workflow.

The spec is stored once per definition version; the row holds only the task tree and data, so a
restored workflow must be indistinguishable from the one that was saved, and the row must not
carry the model (scripts, decision tables) with it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, script, user

from engine import Actor, ProcessDefinition, ProcessInstance, ServiceRegistry, WorkflowEngine
from engine.definitions import Bundle
from engine.parser import parse_bundle
from engine.scripting import OpsFlowScriptEngine
from engine.serializer import StateSerializer

REPO = Path(__file__).resolve().parents[2]
REQUESTER = Actor("rita", groups=frozenset({"requesters"}))
SCRIPT = "step = 'after ' + str(order)"
FLOW = linear("saved", user("first", "approvers"), script("between", SCRIPT), user("second", "approvers"))


def _ready(wf: BpmnWorkflow) -> list[str]:
    return sorted(str(t.id) for t in wf.get_tasks(state=TaskState.READY))


@pytest.fixture
def saved(wf_engine: WorkflowEngine, db: Engine) -> tuple[WorkflowEngine, ProcessInstance, ProcessDefinition]:
    wf_engine.deploy_bundle(bundle(FLOW))
    view = wf_engine.start("saved", {"order": 42}, REQUESTER)
    with Session(db) as session:
        inst = session.get(ProcessInstance, view.id)
        return wf_engine, inst, session.get(ProcessDefinition, inst.definition_id)


def test_state_round_trip_keeps_ready_tasks_and_data(saved) -> None:
    wf_engine, inst, definition = saved
    serializer = StateSerializer()
    specs = serializer.specs_from_json(definition.spec_json)
    restored = serializer.state_from_json(inst.state, specs, OpsFlowScriptEngine(ServiceRegistry()))
    assert _ready(restored) == [t.id for t in wf_engine.get(inst.id).tasks if t.status == "open"]
    [task] = restored.get_tasks(state=TaskState.READY)
    assert task.data["order"] == 42 and task.data["requester"] == "rita"
    again = serializer.state_to_json(restored)
    assert json.loads(again) == json.loads(inst.state)
    assert _ready(serializer.state_from_json(again, specs, OpsFlowScriptEngine(ServiceRegistry()))) == _ready(restored)


def test_restored_workflow_runs_on_like_the_original(saved) -> None:
    _, inst, definition = saved
    serializer = StateSerializer()
    specs = serializer.specs_from_json(definition.spec_json)
    wf = serializer.state_from_json(inst.state, specs, OpsFlowScriptEngine(ServiceRegistry()))
    wf.get_tasks(state=TaskState.READY)[0].run()
    wf.do_engine_steps()
    [second] = wf.get_tasks(state=TaskState.READY)
    assert (second.task_spec.bpmn_id, second.data["step"]) == ("second", "after 42")


def test_state_does_not_carry_the_spec(saved) -> None:
    _, inst, definition = saved
    state = json.loads(inst.state)
    assert not {"spec", "subprocess_specs"} & set(state)
    assert SCRIPT not in inst.state and SCRIPT in definition.spec_json
    assert len(inst.state) < len(definition.spec_json) + 4000


def test_specs_round_trip_including_decision_tables() -> None:
    b = Bundle.from_path(REPO / "processes" / "purchase_approval" / "purchase_approval.bpmn")
    [parsed] = parse_bundle(b.bpmn, list(b.dmn))
    serializer = StateSerializer()
    restored = serializer.specs_from_json(serializer.specs_to_json(parsed.specs))
    assert sorted(restored.spec.task_specs) == sorted(parsed.specs.spec.task_specs)
    wf = BpmnWorkflow(restored.spec, restored.subprocess_specs, script_engine=OpsFlowScriptEngine(ServiceRegistry()))
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(item="desk", supplier="ACME", quantity=2, unit_price=40000.0, department="it", lines=[])
    while True:  # run up to the (service) budget check, which needs the business modules
        [ready] = wf.get_tasks(state=TaskState.READY)
        if ready.task_spec.name == "Task_check_budget":
            break
        ready.run()
    assert ready.data["approval_level"] == "manager_and_finance"


def test_finished_tasks_written_from_memo_match_a_fresh_conversion(saved) -> None:
    """Finished tasks are converted once; the state must still equal a full conversion at every step."""
    from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    from engine.workflow import OpsFlowWorkflow

    _, inst, definition = saved
    ours = StateSerializer()
    plain = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    BpmnWorkflowConverter(OpsFlowWorkflow, plain)
    specs = ours.specs_from_json(definition.spec_json)
    wf = ours.state_from_json(inst.state, specs, OpsFlowScriptEngine(ServiceRegistry()))
    steps = 0
    while not wf.is_completed():
        assert json.loads(ours.state_to_json(wf))["tasks"] == json.loads(json.dumps(
            plain.convert(wf)["tasks"], default=str))
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data["note"] = f"step {steps}"
        task.run()
        wf.do_engine_steps()
        steps += 1
    assert steps == 2
    assert json.loads(ours.state_to_json(wf))["tasks"] == json.loads(json.dumps(plain.convert(wf)["tasks"],
                                                                                default=str))
