"""The conformance corpus (shared/conformance): every file loads whole, or is refused by name.

A file that loads must keep every flow node, every sequence flow and every event definition of
its processes; a file that is refused must say, for each problem, which element it is about in
words a designer can act on. Each file gets a time limit, so a model that would make the engine
loop (a process calling itself) fails the test instead of hanging the suite.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine import DefinitionError, Problem
from engine.parser import ParsedProcess, SourceFile, parse_bundle, parse_dmn


def _corpus() -> Path | None:
    candidates = [Path(os.environ["OPSFLOW_CONFORMANCE_DIR"])] if os.environ.get("OPSFLOW_CONFORMANCE_DIR") else []
    candidates.append(Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance")
    for folder in candidates:
        for root in (folder / "bpmn", folder):
            if root.is_dir() and any(root.rglob("*.bpmn")):
                return root.resolve()
    return None


CORPUS = _corpus()
if CORPUS is None:
    pytest.skip("conformance corpus not found (set OPSFLOW_CONFORMANCE_DIR)", allow_module_level=True)

BPMN_FILES = sorted(p for p in CORPUS.rglob("*") if p.name.endswith((".bpmn", ".bpmn20.xml")))
DMN_FILES = sorted(CORPUS.rglob("*.dmn"))
TIME_LIMIT = 10.0
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
# Written out here rather than taken from engine.validation, so the check does not trust the checker.
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
    "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "transaction", "adHocSubProcess", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway", "complexGateway",
}


def _bounded(fn: Callable[..., Any], *args: Any) -> Any:
    """Run fn in a thread and give up after TIME_LIMIT, so nothing can hang the suite."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(TIME_LIMIT)
    if thread.is_alive():
        pytest.fail(f"{fn.__name__} took longer than {TIME_LIMIT}s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _source(path: Path) -> SourceFile:
    return SourceFile(path.name, path.read_bytes())


def _load(path: Path) -> list[ParsedProcess]:
    return _bounded(parse_bundle, _source(path), [_source(d) for d in sorted(path.parent.glob("*.dmn"))])


def _refusal(path: Path) -> list[Problem]:
    with pytest.raises(DefinitionError) as info:
        _load(path)
    return info.value.problems


def _assert_clear(problems: list[Problem]) -> None:
    assert problems, "a DefinitionError must list at least one problem"
    for problem in problems:
        assert problem.element or problem.element_id, f"problem names no element: {problem}"
        assert problem.message.strip(), f"problem has no message: {problem!r}"
        for noise in ("<Element ", "object at 0x", "Traceback", "b'<"):
            assert noise not in problem.message, f"message shows Python internals: {problem.message}"


def _specs_by_id(parsed: ParsedProcess) -> dict[str, list[Any]]:
    by_id: dict[str, list[Any]] = {}
    for spec in [parsed.specs.spec, *parsed.specs.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None):
                by_id.setdefault(task_spec.bpmn_id, []).append(task_spec)
    return by_id


def _leads_to(task_spec: Any, target_id: str, depth: int = 3) -> bool:
    """Whether the spec connects to target_id, allowing for the engine's own split/join specs between."""
    todo = [(out, 0) for out in task_spec.outputs]
    while todo:
        spec, level = todo.pop()
        if spec.bpmn_id == target_id:
            return True
        if spec.bpmn_id is None and level < depth:
            todo.extend((out, level + 1) for out in spec.outputs)
    return False


def _assert_whole(path: Path, processes: list[ParsedProcess]) -> None:
    tree = etree.parse(str(path))
    for parsed in processes:
        process = tree.xpath("//bpmn:process[@id=$key]", namespaces=NS, key=parsed.key)[0]
        by_id = _specs_by_id(parsed)
        nodes = {el.get("id") for el in process.iter() if isinstance(el.tag, str)
                 and etree.QName(el).localname in FLOW_NODES}
        assert nodes - set(by_id) == set(), f"{parsed.key}: flow nodes missing from the spec"
        for flow in process.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            assert any(_leads_to(s, target) for s in by_id[source]), f"flow {source} -> {target} was dropped"
        for event in process.iter():
            definitions = [c for c in event if isinstance(c.tag, str) and c.tag.endswith("EventDefinition")]
            specs = by_id.get(event.get("id"), [])
            after_event_gateway = any(type(i).__name__ == "EventBasedGateway" for s in specs for i in s.inputs)
            if definitions and not after_event_gateway:
                loaded = [type(getattr(s, "event_definition", None)).__name__ for s in specs]
                assert "NoneEventDefinition" not in loaded, f"{event.get('id')}: event definition dropped"


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_bpmn_file_loads_whole_or_is_refused_naming_the_element(path: Path) -> None:
    try:
        processes = _load(path)
    except DefinitionError as exc:
        _assert_clear(exc.problems)
        return
    assert processes, "a loaded file yields at least one executable process"
    _assert_whole(path, processes)


@pytest.mark.parametrize("path", DMN_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_dmn_file_parses_or_is_refused_naming_the_decision(path: Path) -> None:
    try:
        decisions = _bounded(parse_dmn, _source(path))
    except DefinitionError as exc:
        _assert_clear(exc.problems)
        assert all(p.element and p.element.startswith("dmn:") for p in exc.problems)
        return
    ids = set(etree.parse(str(path)).xpath("/*/*[local-name()='decision']/@id"))
    assert set(decisions) == ids


def _find(relative: str) -> Path:
    matches = [p for p in BPMN_FILES + DMN_FILES if str(p.relative_to(CORPUS)).endswith(relative)]
    if not matches:
        pytest.skip(f"{relative} is not in this corpus")
    return matches[0]


def _named(problems: list[Problem], element: str, element_id: str | None, *words: str) -> Problem:
    """The problem about this element whose message has all the words; fails listing what there was."""
    for p in problems:
        if p.element == element and (element_id is None or p.element_id == element_id) \
                and all(w.lower() in p.message.lower() for w in words):
            return p
    pytest.fail(f"no problem on {element} {element_id} mentioning {words}; got: "
                + "; ".join(str(p) for p in problems))


def test_link_events_are_refused_naming_throw_and_catch() -> None:
    problems = _refusal(_find("LinkEventTest.testValidEventLink.bpmn20.xml"))
    _named(problems, "bpmn:intermediateThrowEvent", "IntermediateThrowEvent_1", "link")
    _named(problems, "bpmn:intermediateCatchEvent", "IntermediateCatchEvent_1", "link")


def test_sequence_flows_without_id_are_refused() -> None:
    problem = _named(_refusal(_find("EscalationEventTest.testThrowEscalationEventHierarchical.bpmn20.xml")),
                     "bpmn:sequenceFlow", None, "no id")
    assert problem.line, "a flow without an id can only be found by its line"


def test_compensation_is_refused_on_events_and_handlers() -> None:
    problems = _refusal(_find("CompensateEventTest.testCompensateSubprocess.bpmn20.xml"))
    _named(problems, "bpmn:boundaryEvent", "compensateBookHotelEvt", "compensation")
    _named(problems, "bpmn:serviceTask", "undoBookHotel", "isForCompensation")
    _named(problems, "bpmn:intermediateThrowEvent", "throwCompensate", "compensation")


def test_signal_end_events_are_refused() -> None:
    _named(_refusal(_find("miwg/Reference/C.5.0.bpmn")), "bpmn:endEvent", "_8055ae64-cafd-4fd0-be36-2216e3b02e37",
           "signalEventDefinition")


def test_error_start_of_event_subprocess_is_refused() -> None:
    _named(_refusal(_find("miwg/Reference/C.9.0.bpmn")), "bpmn:startEvent", "StartErrorEvent_Timeout",
           "errorEventDefinition", "event sub-process")


def test_complex_gateway_is_refused() -> None:
    _named(_refusal(_find("kitchen-sink.bpmn")), "bpmn:complexGateway", "ExclusiveGateway_08cpnyi", "complex")


def test_juel_and_feel_conditions_are_refused() -> None:
    _named(_refusal(_find("loan-granting/loan-granting.bpmn")), "bpmn:sequenceFlow", "SequenceFlow_17zmvol",
           "JUEL", "${score > 5}")
    _named(_refusal(_find("miwg/Reference/C.9.2.bpmn")), "bpmn:sequenceFlow", "SequenceFlow_Yes", "FEEL")


def test_timer_values_that_are_not_python_are_refused() -> None:
    _named(_refusal(_find("loan-granting/loan-granting.bpmn")), "bpmn:startEvent", "StartEvent_1", "cron")
    _named(_refusal(_find("miwg/Reference/C.9.1.bpmn")), "bpmn:boundaryEvent", "BoundaryEvent_1",
           "unquoted", "R6/P1D")
    _named(_refusal(_find("EventBasedGatewayTest.testCatchSignalAndMessageAndTimer.bpmn20.xml")),
           "bpmn:intermediateCatchEvent", "timerEvent", "PT0S")


def test_data_stores_are_refused_naming_the_store() -> None:
    _named(_refusal(_find("invoice/invoice.v1.bpmn")), "bpmn:dataStore", "FinancialAccountingSystem", "data store")


def test_unresolvable_data_association_names_the_reference_not_an_lxml_object() -> None:
    problem = _named(_refusal(_find("miwg/Reference/C.7.0.bpmn")), "bpmn:userTask",
                     "_15b00027-5049-4081-8952-fd398e8b722a", "dataOutputAssociation")
    assert "_b6464e75-dd3d-45d9-84cd-861c42a3bedf" in problem.message


def test_disconnected_flow_node_is_refused() -> None:
    _named(_refusal(_find("submit-invoice/submit-invoice1.bpmn")), "bpmn:serviceTask", "Activity_0jewccr",
           "not loaded")


def test_call_to_a_process_outside_the_file_names_the_call_activity() -> None:
    _named(_refusal(_find("call-activity/callable_process.bpmn")), "bpmn:callActivity", "Activity_1i3oymn",
           "'test_form'", "not defined")


def test_self_recursive_call_activity_is_refused_not_run() -> None:
    _named(_refusal(_find("bpmn-call_activity_nested/call_activity_level_3.bpmn")), "bpmn:callActivity",
           "Activity_12zat0d", "recursive")


def test_non_executable_file_says_so() -> None:
    _named(_refusal(_find("bpmn-invalid/non-executable-process.bpmn")), "bpmn:process", "Process_14di7kj",
           "no executable process")


def test_dmn_with_decision_requirements_is_refused_naming_the_decision() -> None:
    with pytest.raises(DefinitionError) as info:
        parse_dmn(_source(_find("dmn-engine-drg/dinnerDecisions.dmn")))
    _named(info.value.problems, "dmn:decision", "beverages", "requires", "#dish")


def test_dmn_1_1_without_ids_on_table_parts_loads() -> None:
    assert parse_dmn(_source(_find("flowable-intro/intro.dmn"))) == ["intro"]


def test_files_that_load_keep_their_processes() -> None:
    loaded = {p.key for p in _load(_find("spiffworkflow-tests/bpmn/Approvals.bpmn"))}
    assert loaded == {"Approvals", "First_Approval_Wins", "Parallel_Approvals_SP"}
