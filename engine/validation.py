"""Checks that catch what SpiffWorkflow would silently drop or fail on at run time.

`static_problems` reads the XML before parsing, so a first parser error
cannot hide another problem and nothing SpiffWorkflow would quietly ignore
(a link event, a flow without an id, a JUEL condition) reaches a running
instance. `parsed_problems` then compares the parsed specs with the XML, so
that no flow node or event definition goes missing unnoticed.
`dmn_validation` does the same for decision tables, `expression_checks` for
conditions, timers and scripts.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import Problem
from .expression_checks import TIMER_KINDS, expression_errors, script_errors, string_literal, timer_errors
from .specs import ProcessSpecs

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_B = f"{{{BPMN_NS}}}"

SUPPORTED_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}
UNSUPPORTED_NODES = {
    "complexGateway": "complex gateways are not supported",
    "adHocSubProcess": "ad-hoc sub-processes are not supported",
    "implicitThrowEvent": "implicit throw events are not supported",
}
FLOW_NODES = SUPPORTED_NODES | set(UNSUPPORTED_NODES)

# The event definitions SpiffWorkflow 3.2.0 reads on each kind of event; any other is ignored
# silently (the event becomes a "none" event), so it must be refused here.
_EVENT_DEFINITIONS = {
    "startEvent": {"message", "signal", "timer", "conditional"},
    "endEvent": {"message", "cancel", "error", "escalation", "terminate"},
    "intermediateCatchEvent": {"message", "signal", "timer", "conditional"},
    "intermediateThrowEvent": {"escalation", "message", "signal"},
    "boundaryEvent": {"cancel", "error", "escalation", "message", "signal", "timer", "conditional"},
}
_REFS = {"message": "messageRef", "signal": "signalRef", "error": "errorRef", "escalation": "escalationRef"}
_EXPRESSIONS = ("conditionExpression", "condition", "loopCardinality", "completionCondition", "loopCondition")


# Extensions of other engines that carry behaviour SpiffWorkflow would silently skip: who gets a
# task, what runs on an event, how variables are mapped. UI and bookkeeping hints (formKey,
# historyTimeToLive, versionTag) carry no behaviour and are left alone.
_VENDOR_NAMESPACES = {
    "http://camunda.org/schema/1.0/bpmn": "camunda", "http://activiti.org/bpmn": "activiti",
    "http://flowable.org/bpmn": "flowable", "http://camunda.org/schema/zeebe/1.0": "zeebe",
}
_VENDOR_ATTRIBUTES = {
    "assignee", "candidateUsers", "candidateGroups", "class", "expression", "delegateExpression",
    "decisionRef", "collection", "elementVariable",
}
_VENDOR_ELEMENTS = {
    "executionListener", "taskListener", "inputOutput", "in", "out", "connector", "field", "taskDefinition",
    "ioMapping", "calledDecision", "assignmentDefinition", "calledElement", "loopCharacteristics",
    "subscription", "script",
}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _is_bpmn(el: object) -> bool:
    return isinstance(el, etree._Element) and isinstance(el.tag, str) and el.tag.startswith(_B)


def _short(el: etree._Element) -> str:
    """`bpmn:userTask`, `dmn:decision`: how a designer's tools name an element."""
    if el.tag.startswith(_B):
        return "bpmn:" + _local(el)
    return ("dmn:" if "/DMN/" in (etree.QName(el).namespace or "").upper() else "") + _local(el)


element_name = _short


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


def is_executable(process: etree._Element) -> bool:
    return process.get("isExecutable", "true").lower() == "true"


def loaded_processes(root: etree._Element) -> list[etree._Element]:
    """Executable processes and every process they call: what SpiffWorkflow will actually load."""
    processes = {p.get("id"): p for p in root.iter(f"{_B}process")}
    todo = [p for p in processes.values() if is_executable(p)]
    seen: dict[str | None, etree._Element] = {}
    while todo:
        process = todo.pop()
        if process.get("id") in seen:
            continue
        seen[process.get("id")] = process
        todo.extend(processes[c.get("calledElement")] for c in process.iter(f"{_B}callActivity")
                    if c.get("calledElement") in processes)
    return list(seen.values())


def _bpmn_elements(processes: Iterable[etree._Element]) -> Iterator[etree._Element]:
    for process in processes:
        yield from (el for el in process.iter() if _is_bpmn(el))


# -- expressions --------------------------------------------------------------
def _expression_problems(el: etree._Element, owner: etree._Element, source: str) -> list[Problem]:
    return [_problem(owner, f"{_local(el)}: {err}", source) for err in expression_errors(el.text or "")]


def _timer_problems(event: etree._Element, timer: etree._Element, source: str) -> list[Problem]:
    values = [c for c in timer if _is_bpmn(c) and _local(c) in TIMER_KINDS]
    if not values:
        return [_problem(event, "timer has no timeDate, timeDuration or timeCycle value", source)]
    kind, text = _local(values[0]), values[0].text or ""
    errors = timer_errors(kind, text)
    literal = string_literal(text) if not errors else None
    if literal is not None and not _valid_timer_value(kind, literal):
        errors.append(f"timer {kind} {literal!r} is not a valid ISO 8601 value")
    return [_problem(event, err, source) for err in errors]


def _valid_timer_value(kind: str, value: str) -> bool:
    """Checked with the parser SpiffWorkflow will use when the timer starts."""
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.get_datetime(value)
    except Exception:  # SpiffWorkflow raises bare Exceptions and assorted errors on bad values
        return False
    return True


# -- events ---------------------------------------------------------------------
def _event_problems(el: etree._Element, kind: str, root: etree._Element, source: str) -> list[Problem]:
    problems = []
    parent = el.getparent()
    in_event_subprocess = parent is not None and parent.get("triggeredByEvent") == "true"
    for d in (c for c in el if _is_bpmn(c) and _local(c).endswith("EventDefinition")):
        name = _local(d).removesuffix("EventDefinition")
        if name == "link":
            problems.append(_problem(el, "link events are not supported (the flow after a link would be lost)",
                                     source))
        elif name == "compensate":
            problems.append(_problem(el, "compensation events are not supported", source))
        elif name not in _EVENT_DEFINITIONS[kind]:
            where = "an event sub-process start" if kind == "startEvent" and in_event_subprocess else f"a {kind}"
            problems.append(_problem(el, f"{_local(d)} on {where} is not supported", source))
        elif name == "timer":
            problems.extend(_timer_problems(el, d, source))
        ref_attr = _REFS.get(name)
        ref = d.get(ref_attr) if ref_attr else None
        if ref is not None and len(root.xpath(f"//bpmn:{name}[@id=$ref]", namespaces={"bpmn": BPMN_NS},
                                               ref=ref)) != 1:
            problems.append(_problem(el, f"{ref_attr} {ref!r} does not name exactly one bpmn:{name} in this file",
                                     source))
    if kind == "boundaryEvent" and not problems and not any(_local(c).endswith("EventDefinition")
                                                            for c in el if _is_bpmn(c)):
        problems.append(_problem(el, "a boundary event needs an event definition", source))
    return problems


def _script_problems(el: etree._Element, source: str) -> list[Problem]:
    """Scripts and service parameters are compiled at deploy, so a bad one never reaches an instance."""
    scripts = []
    if _local(el) == "scriptTask":
        fmt = (el.get("scriptFormat") or "python").lower()
        if fmt not in ("python", "text/python", "text/x-python", "py"):
            return [_problem(el, f"script format {fmt!r} is not supported; scripts are Python", source)]
        script = el.find(f"{_B}script")
        scripts.append(("script", (script.text or "") if script is not None else ""))
    ext = el.find(f"{_B}extensionElements")
    for kind in ("preScript", "postScript"):
        scripts += [(kind, s.text or "") for s in (ext.findall(f"{{{SPIFF_NS}}}{kind}") if ext is not None else [])]
    problems = [_problem(el, f"{kind}: {err}", source) for kind, text in scripts for err in script_errors(text)]
    for param in ext.iter(f"{{{SPIFF_NS}}}parameter") if ext is not None else ():
        problems += [_problem(el, f"parameter {param.get('id')!r}: {err}", source)
                     for err in expression_errors(param.get("value") or "")]
    return problems


def _message_task_problems(el: etree._Element, root: etree._Element, source: str) -> list[Problem]:
    ref = el.get("messageRef")
    if ref is None and el.find(f"{_B}messageEventDefinition") is None:
        verb = "wait for" if _local(el) == "receiveTask" else "send"
        return [_problem(el, f"a {_local(el)} needs a message (messageRef); without one it would not {verb} "
                             "anything", source)]
    if ref is not None and len(root.xpath("//bpmn:message[@id=$ref]", namespaces={"bpmn": BPMN_NS}, ref=ref)) != 1:
        return [_problem(el, f"messageRef {ref!r} does not name exactly one bpmn:message in this file", source)]
    return []


def _vendor_problems(el: etree._Element, source: str) -> list[Problem]:
    problems = []
    for name in el.attrib:
        q = etree.QName(name)
        if q.namespace in _VENDOR_NAMESPACES and q.localname in _VENDOR_ATTRIBUTES:
            problems.append(_problem(el, f"{_VENDOR_NAMESPACES[q.namespace]}:{q.localname} is not supported "
                                         "(it would be ignored); use spiffworkflow extensions", source))
    ext = el.find(f"{_B}extensionElements")
    for child in (ext if ext is not None else ()):
        if not isinstance(child.tag, str):
            continue
        q = etree.QName(child)
        if q.namespace in _VENDOR_NAMESPACES and q.localname in _VENDOR_ELEMENTS:
            problems.append(_problem(el, f"{_VENDOR_NAMESPACES[q.namespace]}:{q.localname} is not supported "
                                         "(it would be ignored); use spiffworkflow extensions", source))
    return problems


# -- structure ------------------------------------------------------------------
def _flow_problems(flow: etree._Element, ids: dict[str, etree._Element], source: str) -> list[Problem]:
    problems = []
    if not flow.get("id"):
        problems.append(_problem(flow, f"sequence flow from {flow.get('sourceRef')!r} to {flow.get('targetRef')!r} "
                                       "has no id, so it would be ignored", source))
    for attr in ("sourceRef", "targetRef"):
        target = ids.get(flow.get(attr) or "")
        if target is None or _local(target) not in FLOW_NODES:
            problems.append(_problem(flow, f"{attr} {flow.get(attr)!r} is not a flow node of this file", source))
    src = ids.get(flow.get("sourceRef") or "")
    cond = flow.find(f"{_B}conditionExpression")
    if src is not None and cond is not None and (cond.text or "").strip() and \
            _local(src) not in ("exclusiveGateway", "inclusiveGateway"):
        problems.append(_problem(flow, f"a condition on a flow out of a bpmn:{_local(src)} would be ignored; "
                                       "conditions work only on exclusive and inclusive gateways", source))
    return problems


def _data_problems(el: etree._Element, ids: dict[str, etree._Element], source: str) -> list[Problem]:
    problems = []
    for assoc, ref_tag in (("dataInputAssociation", "sourceRef"), ("dataOutputAssociation", "targetRef")):
        for a in el.findall(f"{_B}{assoc}"):
            for ref in a.findall(f"{_B}{ref_tag}"):
                target = ids.get((ref.text or "").strip())
                if target is None or _local(target) not in ("dataObjectReference", "dataStoreReference"):
                    what = f"a bpmn:{_local(target)}" if target is not None else "not an element of this file"
                    problems.append(_problem(el, f"{assoc} {a.get('id')!r}: {ref_tag} {ref.text!r} is {what}; "
                                                 "only data object references can be read or written", source))
    return problems


def _call_problems(root: etree._Element, source: str) -> list[Problem]:
    """Calls must stay inside the file and must not recurse (a recursive call never finishes)."""
    processes = {p.get("id"): p for p in root.iter(f"{_B}process")}
    calls = {pid: [(c, c.get("calledElement")) for c in p.iter(f"{_B}callActivity")] for pid, p in processes.items()}
    problems = []
    for process in loaded_processes(root):
        for call, called in calls[process.get("id")]:
            if not called:
                problems.append(_problem(call, "call activity has no calledElement", source))
            elif called not in processes:
                problems.append(_problem(call, f"calls process {called!r}, which is not defined in this file "
                                               f"(processes here: {', '.join(sorted(map(str, processes)))})", source))
            elif _reaches(calls, called, process.get("id")):
                problems.append(_problem(call, f"calls process {called!r}, which calls back into "
                                               f"{process.get('id')!r}: recursive call activities are not supported",
                                         source))
    return problems


def _reaches(calls: dict, start: str, goal: str | None) -> bool:
    seen, todo = set(), [start]
    while todo:
        pid = todo.pop()
        if pid == goal:
            return True
        if pid in seen or pid not in calls:
            continue
        seen.add(pid)
        todo.extend(called for _, called in calls[pid] if called)
    return False


def _same_leaf(a: etree._Element, b: etree._Element) -> bool:
    """An exact duplicate without children (modellers do write these) is harmless: either copy serves."""
    return a.tag == b.tag and dict(a.attrib) == dict(b.attrib) and len(a) == 0 and len(b) == 0


def _id_index(root: etree._Element, source: str, problems: list[Problem]) -> dict[str, etree._Element]:
    ids: dict[str, etree._Element] = {}
    for el in root.iter():
        if _is_bpmn(el) and el.get("id"):
            twin = ids.get(el.get("id"))
            if twin is not None and not _same_leaf(el, twin):
                problems.append(_problem(el, f"id {el.get('id')!r} is used twice (also on line "
                                             f"{ids[el.get('id')].sourceline})", source))
            ids.setdefault(el.get("id"), el)
    return ids


def static_problems(tree: etree._ElementTree, source: str) -> list[Problem]:
    """Everything wrong with the loaded part of a BPMN file that the XML alone shows."""
    root = tree.getroot()
    problems: list[Problem] = []
    ids = _id_index(root, source, problems)
    for store in root.iter(f"{_B}dataStore", f"{_B}dataStoreReference"):
        problems.append(_problem(store, "data stores are not supported (no data store implementation is "
                                        "registered); use data objects or a service task", source))
    processes = loaded_processes(root)
    if not processes:
        return problems
    problems.extend(_call_problems(root, source))
    for el in _bpmn_elements(processes):
        kind = _local(el)
        if kind in UNSUPPORTED_NODES:
            problems.append(_problem(el, UNSUPPORTED_NODES[kind], source))
        if kind == "sequenceFlow":
            problems.extend(_flow_problems(el, ids, source))
        if kind in _EXPRESSIONS and el.getparent() is not None:
            owner = el.getparent()
            owner = owner.getparent() if _local(owner).endswith(("LoopCharacteristics", "EventDefinition")) else owner
            problems.extend(_expression_problems(el, owner, source))
        if kind in FLOW_NODES and el.get("isForCompensation") == "true":
            problems.append(_problem(el, "compensation handlers (isForCompensation) are not supported", source))
        if kind in _EVENT_DEFINITIONS:
            problems.extend(_event_problems(el, kind, root, source))
        if kind in FLOW_NODES:
            problems.extend(_data_problems(el, ids, source))
            problems.extend(_vendor_problems(el, source))
            problems.extend(_script_problems(el, source))
        if kind in ("sendTask", "receiveTask"):
            problems.extend(_message_task_problems(el, root, source))
        if kind == "dataObjectReference" and ids.get(el.get("dataObjectRef") or "") is None:
            problems.append(_problem(el, f"dataObjectRef {el.get('dataObjectRef')!r} names no data object", source))
    return problems


# -- after parsing ------------------------------------------------------------------
def _definition_names(event_definition: object) -> list[str]:
    inner = getattr(event_definition, "event_definitions", None)
    if inner:
        return [n for d in inner for n in _definition_names(d)]
    name = type(event_definition).__name__
    return [] if name == "NoneEventDefinition" else [name.lower()]


def _spec_problems(el: etree._Element, task_specs: list, source: str) -> list[Problem]:
    """What of this element's XML its task specs lack: event definitions, pre- and post-scripts."""
    problems = []
    wanted = [_local(c).removesuffix("EventDefinition").lower() for c in el
              if _is_bpmn(c) and _local(c).endswith("EventDefinition")]
    got = [n for ts in task_specs for n in _definition_names(getattr(ts, "event_definition", None))]
    after_gateway = any(type(i).__name__ == "EventBasedGateway" for ts in task_specs for i in ts.inputs)
    if _local(el) in _EVENT_DEFINITIONS and len(got) < len(wanted) and not after_gateway:
        problems.append(_problem(el, f"event definitions {wanted} were loaded as {got or 'none'}", source))
    ext = el.find(f"{_B}extensionElements")
    for script in (ext.findall(f"{{{SPIFF_NS}}}preScript") + ext.findall(f"{{{SPIFF_NS}}}postScript")
                   if ext is not None else []):
        attr = _local(script).lower()
        if (script.text or "").strip() and not any(getattr(ts, attr, None) for ts in task_specs):
            problems.append(_problem(el, f"spiffworkflow:{_local(script)} is ignored on a bpmn:{_local(el)}; "
                                         "put the script on a task", source))
    return problems


def parsed_problems(tree: etree._ElementTree, specs: ProcessSpecs, source: str) -> list[Problem]:
    """Flow nodes, event definitions or scripts present in the XML of a parsed process but absent from its specs."""
    loaded: dict[str, list] = {}
    for spec in [specs.spec, *specs.subprocess_specs.values()]:
        for ts in spec.task_specs.values() if spec is not None else ():
            if getattr(ts, "bpmn_id", None):
                loaded.setdefault(ts.bpmn_id, []).append(ts)
    problems = []
    names = {specs.spec.name, *specs.subprocess_specs}
    for process in tree.getroot().iter(f"{_B}process"):
        if process.get("id") not in names:
            continue
        for el in process.iter():
            if not _is_bpmn(el) or _local(el) not in FLOW_NODES:
                continue
            if el.get("id") not in loaded:
                problems.append(_problem(el, "element was not loaded (not connected to the flow?)", source))
            else:
                problems.extend(_spec_problems(el, loaded[el.get("id")], source))
    return problems
