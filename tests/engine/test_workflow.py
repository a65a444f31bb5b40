"""OpsFlowWorkflow finds exactly the tasks SpiffWorkflow's own tree walk finds, at every step."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import ServiceRegistry
from engine.parser import SourceFile, parse_bundle
from engine.scripting import OpsFlowScriptEngine
from engine.workflow import OpsFlowWorkflow

B = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
# a parallel split into a user task and a sub-process holding two user tasks in sequence, then a join
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {B} id="d" targetNamespace="http://opsflow.example/test">
  <bpmn:process id="fork" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="split"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="left"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:subProcess id="sub"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:startEvent id="ss"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>
      <bpmn:userTask id="inner1"><bpmn:incoming>g1</bpmn:incoming><bpmn:outgoing>g2</bpmn:outgoing></bpmn:userTask>
      <bpmn:userTask id="inner2"><bpmn:incoming>g2</bpmn:incoming><bpmn:outgoing>g3</bpmn:outgoing></bpmn:userTask>
      <bpmn:endEvent id="se"><bpmn:incoming>g3</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="g1" sourceRef="ss" targetRef="inner1" />
      <bpmn:sequenceFlow id="g2" sourceRef="inner1" targetRef="inner2" />
      <bpmn:sequenceFlow id="g3" sourceRef="inner2" targetRef="se" />
    </bpmn:subProcess>
    <bpmn:parallelGateway id="join"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:endEvent id="e"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="split" />
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="left" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="sub" />
    <bpmn:sequenceFlow id="f4" sourceRef="left" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""

QUERIES = [
    {"state": TaskState.READY}, {"state": TaskState.READY, "manual": True}, {"state": TaskState.READY, "manual": False},
    {"state": TaskState.WAITING}, {"state": TaskState.NOT_FINISHED_MASK}, {"state": TaskState.COMPLETED},
    {"state": TaskState.ANY_MASK}, {"spec_name": "inner2"}, {},
]


def _ids(tasks: list) -> set[str]:
    return {str(t.id) for t in tasks}


def _same_as_spiff(wf: OpsFlowWorkflow) -> None:
    for query in QUERIES:
        assert _ids(wf.get_tasks(**query)) == _ids(list(BpmnWorkflow.get_tasks_iterator(wf, **query))), query


@pytest.fixture
def workflow() -> OpsFlowWorkflow:
    specs = parse_bundle(SourceFile("fork.bpmn", XML.encode()))[0].specs
    return OpsFlowWorkflow(specs.spec, specs.subprocess_specs, script_engine=OpsFlowScriptEngine(ServiceRegistry()))


def test_every_query_matches_spiffworkflow_at_every_step(workflow: OpsFlowWorkflow) -> None:
    workflow.do_engine_steps()
    _same_as_spiff(workflow)
    done = []
    while not workflow.is_completed():
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        assert ready, "a user task must be ready until the process ends"
        task = ready[0]
        done.append(task.task_spec.bpmn_id)
        task.run()
        workflow.do_engine_steps()
        _same_as_spiff(workflow)
    assert sorted(done) == ["inner1", "inner2", "left"]


def test_other_iterator_options_still_go_to_spiffworkflow(workflow: OpsFlowWorkflow) -> None:
    workflow.do_engine_steps()
    first = workflow.task_tree
    assert _ids(workflow.get_tasks(first_task=first, state=TaskState.READY)) == _ids(
        workflow.get_tasks(state=TaskState.READY))
    assert len(workflow.get_tasks(max_depth=1)) == 2  # the root and its child: a depth limit is honoured
