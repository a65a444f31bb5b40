"""Checks that catch what SpiffWorkflow would silently drop or fail on at run time.

`static_problems` reads the XML before parsing, so a first parser error
cannot hide another problem; `parsed_problems` compares the parsed specs
with the XML so that no flow node or event definition goes missing.
"""
from __future__ import annotations

from lxml import etree

from .errors import Problem
from .scripting import check_source
from .specs import ProcessSpecs

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = f"{{{BPMN_NS}}}"

FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
}
UNSUPPORTED_NODES = {
    "complexGateway": "complex gateways are not supported",
    "adHocSubProcess": "ad-hoc sub-processes are not supported",
}


def _short(el: etree._Element) -> str:
    return "bpmn:" + etree.QName(el).localname if el.tag.startswith(_B) else etree.QName(el).localname


def _problem(el: etree._Element, message: str, source: str) -> Problem:
    return Problem(message, element=_short(el), element_id=el.get("id"), line=el.sourceline, source=source)


def locate(tree: etree._ElementTree, element_id: str | None) -> tuple[str | None, int | None]:
    """The element name and line of the element with this id, for error messages."""
    if not element_id:
        return None, None
    for el in tree.getroot().iter():
        if isinstance(el.tag, str) and el.get("id") == element_id:
            return _short(el), el.sourceline
    return None, None


def _event_problems(el: etree._Element, kind: str, source: str) -> list[Problem]:
    defs = [etree.QName(c).localname for c in el if isinstance(c.tag, str) and c.tag.endswith("EventDefinition")]
    problems = []
    if "linkEventDefinition" in defs:
        problems.append(_problem(el, "link events are not supported", source))
    if "compensateEventDefinition" in defs:
        problems.append(_problem(el, "compensation events are not supported", source))
    if kind == "endEvent" and "signalEventDefinition" in defs:
        problems.append(_problem(el, "signal end events are not supported", source))
    parent = el.getparent()
    in_event_subprocess = parent is not None and parent.get("triggeredByEvent") == "true"
    if kind == "startEvent" and in_event_subprocess:
        for d in ("errorEventDefinition", "escalationEventDefinition"):
            if d in defs:
                problems.append(_problem(el, f"event sub-process start with {d} is not supported", source))
    return problems


def _expression_problems(el: etree._Element, source: str) -> list[Problem]:
    problems = []
    for cond in el.iter(f"{_B}conditionExpression"):
        text = (cond.text or "").strip()
        if text.startswith("${") or text.startswith("#{"):
            problems.append(_problem(el, f"JUEL expression {text!r} is not supported; use Python", source))
        elif text.startswith("="):
            problems.append(_problem(el, f"FEEL expression {text!r} is not supported; use Python", source))
        elif text:
            for err in check_source(text, "eval"):
                problems.append(_problem(el, f"condition {text!r}: {err}", source))
    return problems


def static_problems(tree: etree._ElementTree, source: str) -> list[Problem]:
    problems: list[Problem] = []
    root = tree.getroot()
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.tag.startswith(_B):
            continue
        kind = etree.QName(el).localname
        if kind in UNSUPPORTED_NODES:
            problems.append(_problem(el, UNSUPPORTED_NODES[kind], source))
        if kind == "sequenceFlow":
            if not el.get("id"):
                problems.append(_problem(el, "sequence flow has no id", source))
            problems.extend(_expression_problems(el, source))
        if kind in FLOW_NODES and el.get("isForCompensation") == "true":
            problems.append(_problem(el, "compensation handlers are not supported", source))
        if kind in ("startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent"):
            problems.extend(_event_problems(el, kind, source))
        if kind == "scriptTask":
            script = el.find(f"{_B}script")
            for err in check_source((script.text or "") if script is not None else ""):
                problems.append(_problem(el, f"script: {err}", source))
    return problems


def parsed_problems(tree: etree._ElementTree, specs: ProcessSpecs, source: str) -> list[Problem]:
    """Flow nodes present in the XML of a parsed process but absent from its specs."""
    loaded = set()
    for spec in [specs.spec, *specs.subprocess_specs.values()]:
        if spec is not None:
            loaded.update(ts.bpmn_id for ts in spec.task_specs.values() if getattr(ts, "bpmn_id", None))
    problems = []
    names = {specs.spec.name, *specs.subprocess_specs}
    for process in tree.getroot().iter(f"{_B}process"):
        if process.get("id") not in names:
            continue
        for el in process.iter():
            if isinstance(el.tag, str) and el.tag.startswith(_B) and etree.QName(el).localname in FLOW_NODES:
                if el.get("id") not in loaded:
                    problems.append(_problem(el, "element was not loaded (not connected to the flow?)", source))
    return problems
