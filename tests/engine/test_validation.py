"""What the engine refuses at deploy instead of silently running a model with a piece missing.

Each case is a small model a designer could draw; the refusal must name the element (tag and
id) and say what is wrong. Models the engine does support must still load.
"""
from __future__ import annotations

import pytest
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from tiny_bpmn import HEAD, linear, script, service, user

from engine import DefinitionError, Problem
from engine.parser import SourceFile, parse_bundle


def _problems(xml: str) -> list[Problem]:
    with pytest.raises(DefinitionError) as info:
        parse_bundle(SourceFile("model.bpmn", xml.encode()))
    return info.value.problems


def _one(xml: str) -> Problem:
    [problem] = _problems(xml)
    return problem


def _event(tag: str, event_id: str, definition: str) -> str:
    return f'<bpmn:{tag} id="{event_id}">{definition}</bpmn:{tag}>'


def _timer(kind: str, value: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
            f'<bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def test_supported_model_loads() -> None:
    xml = linear("fine", script("s", "x = 1"), _timer("timeDuration", '"PT5M"'), user("u", "approvers"))
    assert [p.key for p in parse_bundle(SourceFile("fine.bpmn", xml.encode()))] == ["fine"]


@pytest.mark.parametrize("kind, value, words", [
    ("timeDuration", "PT5M", ("unquoted", '"PT5M"')),
    ("timeCycle", "R3/PT1H", ("unquoted",)),
    ("timeDate", "2030-01-01T10:00:00", ("unquoted",)),
    ("timeCycle", "0 0 9 * * ?", ("cron",)),
    ("timeDuration", "${delay}", ("JUEL",)),
    ("timeDuration", '"five minutes"', ("not a valid ISO 8601",)),
    ("timeDuration", "", ("empty",)),
])
def test_timer_values_must_be_python_giving_iso_8601(kind: str, value: str, words: tuple) -> None:
    problem = _one(linear("timed", _timer(kind, value)))
    assert (problem.element, problem.element_id) == ("bpmn:intermediateCatchEvent", "wait")
    assert all(w in problem.message for w in words), problem.message


def test_timer_computed_from_data_is_left_to_run_time() -> None:
    assert parse_bundle(SourceFile("t.bpmn", linear("timed", _timer("timeDuration", "delay")).encode()))


@pytest.mark.parametrize("step, element, words", [
    (_event("intermediateThrowEvent", "ev", '<bpmn:linkEventDefinition name="A" />'),
     "bpmn:intermediateThrowEvent", ("link",)),
    (_event("intermediateThrowEvent", "ev", "<bpmn:compensateEventDefinition />"),
     "bpmn:intermediateThrowEvent", ("compensation",)),
    (_event("intermediateThrowEvent", "ev", '<bpmn:signalEventDefinition signalRef="nowhere" />'),
     "bpmn:intermediateThrowEvent", ("signalRef", "nowhere")),
    ('<bpmn:receiveTask id="ev" />', "bpmn:receiveTask", ("message",)),
    ('<bpmn:userTask id="ev" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:assignee="demo" />',
     "bpmn:userTask", ("camunda:assignee",)),
    ('<bpmn:task id="ev" isForCompensation="true" />', "bpmn:task", ("isForCompensation",)),
    ('<bpmn:scriptTask id="ev" scriptFormat="javascript"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
     "bpmn:scriptTask", ("javascript",)),
    (service("ev", "finance.request_payment", {"amount": "amount +"}), "bpmn:serviceTask", ("amount",)),
    ('<bpmn:complexGateway id="ev" />', "bpmn:complexGateway", ("complex",)),
])
def test_unsupported_elements_are_named(step: str, element: str, words: tuple) -> None:
    problem = next((p for p in _problems(linear("m", step)) if p.element_id == "ev"), None)
    assert problem is not None and problem.element == element
    assert all(w in problem.message for w in words), problem.message


def test_signal_end_event_is_refused() -> None:
    xml = linear("m", user("u", "approvers")).replace(
        '<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end"><bpmn:signalEventDefinition /></bpmn:endEvent>')
    problem = _one(xml)
    assert (problem.element, problem.element_id) == ("bpmn:endEvent", "end")
    assert "signalEventDefinition" in problem.message


def test_script_on_an_event_that_would_never_run_is_refused() -> None:
    xml = linear("m", user("u", "approvers")).replace(
        '<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end"><bpmn:extensionElements><spiffworkflow:postScript>'
        'outcome = "done"</spiffworkflow:postScript></bpmn:extensionElements></bpmn:endEvent>')
    problem = _one(xml)
    assert (problem.element, problem.element_id) == ("bpmn:endEvent", "end")
    assert "postScript" in problem.message and "ignored" in problem.message


def test_flow_without_id_condition_on_a_task_and_dangling_flow_are_named() -> None:
    xml = linear("m", user("u", "approvers")).replace('id="flow_0" ', "").replace(
        '<bpmn:sequenceFlow id="flow_1" sourceRef="u" targetRef="end" />',
        '<bpmn:sequenceFlow id="flow_1" sourceRef="u" targetRef="end"><bpmn:conditionExpression>ok'
        '</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="flow_2" sourceRef="end" targetRef="ghost" />')
    messages = {(p.element, p.element_id): p.message for p in _problems(xml)}
    assert "no id" in messages[("bpmn:sequenceFlow", None)]
    assert "only on exclusive and inclusive gateways" in messages[("bpmn:sequenceFlow", "flow_1")]
    assert "'ghost'" in messages[("bpmn:sequenceFlow", "flow_2")]


def test_mutually_recursive_call_activities_are_refused() -> None:
    def process(key: str, calls: str) -> str:
        return (f'<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="{key}_start" />'
                f'<bpmn:callActivity id="call_{calls}" calledElement="{calls}" /><bpmn:endEvent id="{key}_end" />'
                f'<bpmn:sequenceFlow id="{key}_f1" sourceRef="{key}_start" targetRef="call_{calls}" />'
                f'<bpmn:sequenceFlow id="{key}_f2" sourceRef="call_{calls}" targetRef="{key}_end" /></bpmn:process>')

    problems = _problems(HEAD.format(key="ab") + process("a", "b") + process("b", "a") + "</bpmn:definitions>")
    assert {(p.element, p.element_id) for p in problems} == {("bpmn:callActivity", "call_a"),
                                                             ("bpmn:callActivity", "call_b")}
    assert all("recursive" in p.message for p in problems)


def test_file_without_processes_says_so() -> None:
    problem = _one(HEAD.format(key="empty") + "</bpmn:definitions>")
    assert (problem.element, problem.element_id) == ("bpmn:definitions", "Definitions_empty")
    assert "no executable process" in problem.message


def test_a_crash_inside_the_parser_still_names_an_element(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self, *args, **kwargs):
        raise TypeError("NodeParser.raise_validation_exception() got an unexpected keyword argument 'node'")

    monkeypatch.setattr(SpiffBpmnParser, "get_spec", crash)
    problem = _one(linear("m", user("u", "approvers")))
    assert problem.element == "bpmn:definitions" and problem.element_id == "Definitions_m"
    assert "raise_validation_exception" not in problem.message
    assert "not defined in this file" in problem.message
