"""Checks that know the flow's data: what a condition, script or service task reads must be set by an earlier
step, and a service task may pass only the parameters its operation takes — reported at deploy, all at once."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from tiny_bpmn import HEAD, bundle, linear, script, service, user

from engine import DefinitionError, ServiceRegistry, WorkflowEngine

START = {"fields": [{"name": "amount", "type": "number", "required": True}]}
DECIDE = {"fields": [{"name": "decision", "type": "choice", "choices": ["approve", "reject"]}]}


@dataclass(frozen=True)
class Notify:
    to: str
    text: str = ""


def _notify(call, req: Notify) -> dict:
    return {"sent": True}


@pytest.fixture
def checker(db, registry: ServiceRegistry) -> WorkflowEngine:
    registry.register("test.send_notice", _notify, Notify)
    return WorkflowEngine(db, registry)


def problems_of(engine: WorkflowEngine, xml: str, forms: dict) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        engine.definitions.check(bundle(xml, forms=forms))
    return [str(p) for p in caught.value.problems]


def test_a_flow_whose_every_read_is_set_earlier_passes(checker: WorkflowEngine) -> None:
    xml = linear("fine", script("price", "total = round(amount * 1.13, 2)"),
                 user("approve", "managers", form="decide", title='"Approve " + str(total)'),
                 service("notify", "test.send_notice", {"to": "requester", "text": "decision"}, result="notice"),
                 script("after", "done = notice['sent'] and total > 0"))
    [parsed] = checker.definitions.check(bundle(xml, forms={"start": START, "decide": DECIDE}))
    assert parsed.key == "fine"


def test_reads_of_unset_names_and_wrong_parameters_are_all_reported_with_their_element(
        checker: WorkflowEngine) -> None:
    xml = linear("broken", script("price", "total = amount * rate"),
                 user("approve", "managers", form="decide", title='"Approve " + customer'),
                 service("notify", "test.send_notice", {"recipient": "requester"}, result="notice"),
                 service("ghost", "test.no_such_thing", {}))
    found = problems_of(checker, xml, {"start": START, "decide": DECIDE})
    assert any("id='price'" in p and "reads 'rate', which no earlier step sets" in p for p in found)
    assert any("id='approve'" in p and "reads 'customer'" in p for p in found)
    assert any("id='notify'" in p and "takes no parameter 'recipient' (it takes: to, text)" in p for p in found)
    assert any("id='notify'" in p and "needs the parameter 'to'" in p for p in found)
    assert any("id='ghost'" in p and "unknown service operation 'test.no_such_thing'" in p for p in found)
    assert not any("'amount'" in p for p in found), "the start form sets amount"


def test_a_condition_reading_a_field_only_a_later_task_sets_is_caught(checker: WorkflowEngine) -> None:
    xml = (HEAD.format(key="gate") + '<bpmn:process id="gate" isExecutable="true">'
           '<bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="big" name="Big order?" default="small" />'
           + user("approve", "managers", form="decide") +
           '<bpmn:endEvent id="end" />'
           '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="big" />'
           '<bpmn:sequenceFlow id="large" sourceRef="big" targetRef="approve">'
           '<bpmn:conditionExpression>amount &gt; 5000 and decision == "approve"</bpmn:conditionExpression>'
           '</bpmn:sequenceFlow>'
           '<bpmn:sequenceFlow id="small" sourceRef="big" targetRef="end" />'
           '<bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" />'
           '</bpmn:process></bpmn:definitions>')
    [problem] = problems_of(checker, xml, {"start": START, "decide": DECIDE})
    assert "bpmn:sequenceFlow id='large'" in problem and "condition reads 'decision'" in problem


def test_the_shipped_processes_pass(workflow_engine: WorkflowEngine) -> None:
    assert {d.key for d in workflow_engine.processes()} >= {"purchase_approval", "order_handling", "hiring"}
