"""Checks that know the flow's data: names read before any step sets them, parameters an operation lacks.

Both used to pass `validate` and fail only when an instance reached the step (a `NameError` in a
gateway, an `InvalidData` from a service call). A variable is set by the start form, a user
task's form, a script or pre/post-script assignment, a service task's result variable, a business
rule task's decision outputs, a multi-instance item, or the engine itself (`requester`). A read is
fine when some step before it on a path of the diagram sets the name: "earlier" follows the
sequence flows backwards, a boundary event's activity, the sub-process a node sits in, and the call
activities of a called process. Without a start form the start data is whatever the caller sends,
so reads are not checked for that process (the parameters still are).
"""
from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable

from lxml import etree

from .dmn_validation import dmn_decisions
from .errors import DefinitionError, Problem
from .parser import SourceFile, load_xml
from .scripting.restricted import BUILTINS
from .services import ServiceRegistry
from .validation import BPMN_NS, FLOW_NODES, SPIFF_NS, element_name, loaded_processes

_B, _S = f"{{{BPMN_NS}}}", f"{{{SPIFF_NS}}}"
_ENGINE_SET = {"requester"}  # what every instance holds from its start on
_EVALUATED_PROPERTIES = ("title", "candidate_group", "assignee")  # the others are plain values
_KNOWN = set(BUILTINS) | {"True", "False", "None"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _problem(el: etree._Element, message: str, source: str) -> Problem:
    name = (el.get("name") or "").strip()
    return Problem(f"{name!r} {message}" if name else message, element=element_name(el), element_id=el.get("id"),
                   line=el.sourceline, source=source)


def _names(text: str, mode: str) -> tuple[set[str], set[str]]:
    """(names read, names assigned) by the code; code that does not parse is the syntax check's business."""
    try:
        tree = ast.parse(text, mode=mode)
    except (SyntaxError, ValueError):
        return set(), set()
    loads, stores = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (stores if isinstance(node.ctx, (ast.Store, ast.Del)) else loads).add(node.id)
        elif isinstance(node, ast.arg):
            stores.add(node.arg)
        elif isinstance(node, ast.FunctionDef):
            stores.add(node.name)
    return loads - stores - _KNOWN, stores


def _ext(el: etree._Element) -> etree._Element | None:
    return el.find(f"{_B}extensionElements")


def _scripts(el: etree._Element, kind: str) -> list[str]:
    ext = _ext(el)
    return [s.text or "" for s in ext.findall(f"{_S}{kind}")] if ext is not None else []


def _decision_io(dmn: Iterable[etree._Element]) -> dict[str, tuple[set[str], set[str]]]:
    """decision id -> (names its input expressions read, names its outputs set)."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for root in dmn:
        for decision in dmn_decisions(root):
            reads: set[str] = set()
            outputs: set[str] = set()
            for el in decision.iter():
                if not isinstance(el.tag, str):
                    continue
                if _local(el) == "inputExpression":
                    text = "".join(el.itertext()).strip()
                    reads |= _names(text, "eval")[0] if text else set()
                elif _local(el) == "output" and el.get("name"):
                    outputs.add(el.get("name"))
            found[decision.get("id")] = (reads, outputs)
    return found


class _Node:
    """What one flow node reads before it works, sets while it works, and reads after (its post-script)."""

    def __init__(self, el: etree._Element, forms: dict, decisions: dict, start_fields: set[str]) -> None:
        self.el = el
        self.reads: set[str] = set()
        self.sets: set[str] = set()
        self.after: set[str] = set()
        self.pre_sets: set[str] = set()  # what its pre-script sets, before anything else of it runs
        self.unknown = False
        kind = _local(el)
        for text in _scripts(el, "preScript"):
            loads, stores = _names(text, "exec")
            self.reads |= loads - self.pre_sets
            self.pre_sets |= stores
        self.sets |= self.pre_sets
        for text in _scripts(el, "postScript"):
            loads, stores = _names(text, "exec")
            self.after |= loads
            self.sets |= stores
        if kind == "scriptTask":
            script = el.find(f"{_B}script")
            loads, stores = _names(script.text or "" if script is not None else "", "exec")
            self.reads |= loads - self.sets
            self.sets |= stores
        if kind == "startEvent" and start_fields:
            self.sets |= start_fields
        ext = _ext(el)
        for prop in ext.iter(f"{_S}property") if ext is not None else ():
            if prop.get("name") in _EVALUATED_PROPERTIES and (prop.get("value") or "").strip():
                self.reads |= _names(prop.get("value"), "eval")[0]
            if prop.get("name") == "form" and kind == "userTask":
                form = forms.get(prop.get("value"))
                self.unknown = form is None  # a form it lacks (the designer warns): what it sets is anyone's guess
                self.sets |= {f["name"] for f in (form or {}).get("fields", [])}
        operator = ext.find(f"{_S}serviceTaskOperator") if ext is not None else None
        if operator is not None:
            for param in operator.iter(f"{_S}parameter"):
                self.reads |= _names(param.get("value") or "", "eval")[0]
            if operator.get("resultVariable"):
                self.sets.add(operator.get("resultVariable"))
        called = ext.findtext(f"{_S}calledDecisionId") if ext is not None else None
        if called and called.strip() in decisions:
            reads, outputs = decisions[called.strip()]
            self.reads |= reads
            self.sets |= outputs
        for item in el.iter(f"{_B}inputDataItem", f"{_B}outputDataItem"):
            self.sets |= {n for n in (item.get("name"), item.get("id")) if n}
        for expr in el.iter(f"{_B}timeDate", f"{_B}timeDuration", f"{_B}timeCycle", f"{_B}loopCardinality",
                            f"{_B}completionCondition", f"{_B}condition"):
            self.reads |= _names((expr.text or "").strip(), "eval")[0] if (expr.text or "").strip() else set()
        self.reads -= {n for item in el.iter(f"{_B}inputDataItem") for n in (item.get("name"), item.get("id"))}
        self.reads -= self.pre_sets


class _Flow:
    """The diagram as predecessors: who may have run before each node."""

    def __init__(self, root: etree._Element, forms: dict, decisions: dict, start_fields: set[str]) -> None:
        self.nodes: dict[str, _Node] = {}
        self.preds: dict[str, set[str]] = {}
        self.inside: dict[str, set[str]] = {}  # container id -> the node ids in it (any depth)
        processes = loaded_processes(root)
        executable = {p.get("id") for p in processes if p.get("isExecutable", "true").lower() == "true"}
        callers: dict[str, set[str]] = {}
        for process in processes:
            for el in process.iter():
                if isinstance(el.tag, str) and el.tag.startswith(_B) and _local(el) in FLOW_NODES and el.get("id"):
                    fields = start_fields if process.get("id") in executable and el.getparent() is process else set()
                    self.nodes[el.get("id")] = _Node(el, forms, decisions, fields)
                    self.preds.setdefault(el.get("id"), set())
                    if _local(el) == "callActivity" and el.get("calledElement"):
                        callers.setdefault(el.get("calledElement"), set()).add(el.get("id"))
        for process in processes:
            self._link(process, callers.get(process.get("id"), set()))

    def _link(self, scope: etree._Element, entry: set[str]) -> None:
        """Predecessors of the nodes directly in `scope`: its flows, and `entry` for nodes nothing flows into."""
        members = [c for c in scope if isinstance(c.tag, str) and c.get("id") in self.nodes]
        targets = set()
        for flow in scope.findall(f"{_B}sequenceFlow"):
            if flow.get("targetRef") in self.preds and flow.get("sourceRef") in self.nodes:
                self.preds[flow.get("targetRef")].add(flow.get("sourceRef"))
                targets.add(flow.get("targetRef"))
        for el in members:
            nid = el.get("id")
            if _local(el) == "boundaryEvent" and el.get("attachedToRef") in self.nodes:
                self.preds[nid].add(el.get("attachedToRef"))
            elif nid not in targets:
                self.preds[nid] |= entry
            if _local(el) in ("subProcess", "transaction"):
                # an event sub-process may start after any step of its scope
                inner_entry = {m.get("id") for m in members if m is not el} if el.get("triggeredByEvent") == "true" \
                    else {nid}
                self._link(el, inner_entry)
                self.inside[nid] = {d.get("id") for d in el.iter() if d is not el and d.get("id") in self.nodes}

    def available(self, nid: str) -> set[str] | None:
        """Every name some step before `nid` sets (a container it sits in counts only for its pre-script);
        None when a step before it may set anything."""
        seen, todo, names = {nid}, list(self.preds[nid]), set(_ENGINE_SET)
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            node = self.nodes[current]
            if node.unknown:
                return None
            if nid in self.inside.get(current, ()):
                names |= node.pre_sets  # the sub-process it sits in has only begun
            else:
                names |= node.sets
                names |= {n for inner in self.inside.get(current, ()) for n in self.nodes[inner].sets}
            todo.extend(self.preds[current])
        return names


def _read_problems(flow: _Flow, root: etree._Element, source: str) -> list[Problem]:
    problems = []
    for nid, node in flow.nodes.items():
        before = flow.available(nid)
        if before is None:
            continue
        for name in sorted(node.reads - before):
            problems.append(_problem(node.el, f"reads {name!r}, which no earlier step sets (form field, service "
                                              "result, script or decision output)", source))
        for name in sorted(node.after - before - node.sets):
            problems.append(_problem(node.el, f"post-script reads {name!r}, which neither this step nor an earlier "
                                              "one sets", source))
    for process in loaded_processes(root):
        for seq in process.iter(f"{_B}sequenceFlow"):
            cond = seq.find(f"{_B}conditionExpression")
            text = (cond.text or "").strip() if cond is not None else ""
            source_id = seq.get("sourceRef")
            if not text or source_id not in flow.nodes or text.startswith(("${", "#{", "=")):
                continue
            node, before = flow.nodes[source_id], flow.available(source_id)
            if before is None or node.unknown:
                continue
            before |= node.sets
            for name in sorted(_names(text, "eval")[0] - before):
                problems.append(_problem(seq, f"condition reads {name!r}, which no earlier step sets", source))
    return problems


def _parameter_problems(root: etree._Element, registry: ServiceRegistry, source: str) -> list[Problem]:
    problems = []
    for process in loaded_processes(root):
        for task in process.iter(f"{_B}serviceTask"):
            ext = _ext(task)
            operator = ext.find(f"{_S}serviceTaskOperator") if ext is not None else None
            if operator is None or not operator.get("id"):
                continue
            op = registry.get(operator.get("id"))
            if op is None:
                problems.append(Problem(f"unknown service operation {operator.get('id')!r}", element="bpmn:serviceTask",
                                        element_id=task.get("id"), line=task.sourceline, source=source))
                continue
            fields = {f.name: f for f in dataclasses.fields(op.params)}
            given = {p.get("id") for p in operator.iter(f"{_S}parameter")}
            for name in sorted(given - set(fields), key=str):
                problems.append(_problem(task, f"{op.name} takes no parameter {name!r} (it takes: "
                                               f"{', '.join(fields)})", source))
            for name, f in fields.items():
                if name not in given and f.default is dataclasses.MISSING \
                        and f.default_factory is dataclasses.MISSING:
                    problems.append(_problem(task, f"{op.name} needs the parameter {name!r}", source))
    return problems


def data_problems(bpmn: bytes, source: str, forms: dict, dmn: Iterable[bytes],
                  registry: ServiceRegistry) -> list[Problem]:
    """Every read of an unset name and every parameter mismatch of one BPMN file; none for unreadable XML
    (the parser reports that)."""
    try:
        root = load_xml(SourceFile(source, bpmn)).getroot()
        dmn_roots = [load_xml(SourceFile("dmn", d)).getroot() for d in dmn]
    except DefinitionError:
        return []
    problems = _parameter_problems(root, registry, source)
    start = forms.get("start")
    if start:
        start_fields = {f["name"] for f in start.get("fields", [])}
        problems += _read_problems(_Flow(root, forms, _decision_io(dmn_roots), start_fields), root, source)
    return problems


@dataclasses.dataclass(frozen=True)
class DecisionUse:
    """What the flow around a business rule task offers and expects of the decision it calls.

    `available`: the names set before the task (None when unknown: no start form, or a step before
    it may set anything); `read_later`: the names the flow's other steps and conditions read;
    `set_elsewhere`: what steps other than the task set, so a read of those is not the table's.
    """

    task_id: str
    available: frozenset[str] | None
    read_later: frozenset[str]
    set_elsewhere: frozenset[str]


def decision_uses(bpmn: bytes, source: str, forms: dict, dmn: Iterable[bytes]) -> dict[str, DecisionUse]:
    """decision id -> how the flow uses it (the first task calling it, with what every caller has set)."""
    root = load_xml(SourceFile(source, bpmn)).getroot()
    start = forms.get("start")
    start_fields = {f["name"] for f in start.get("fields", [])} if start else set()
    flow = _Flow(root, forms, _decision_io(load_xml(SourceFile("dmn", d)).getroot() for d in dmn), start_fields)
    conditions: set[str] = set()
    for process in loaded_processes(root):
        for cond in process.iter(f"{_B}conditionExpression"):
            text = (cond.text or "").strip()
            if text and not text.startswith(("${", "#{", "=")):
                conditions |= _names(text, "eval")[0]
    uses: dict[str, DecisionUse] = {}
    for nid, node in flow.nodes.items():
        ext = _ext(node.el)
        called = (ext.findtext(f"{_S}calledDecisionId") or "").strip() if ext is not None else ""
        if not called:
            continue
        before = flow.available(nid) if start else None
        others = [n for other_id, n in flow.nodes.items() if other_id != nid]
        read_later = conditions.union(*(n.reads | n.after for n in others))
        set_elsewhere = set().union(*(n.sets for n in others))
        known = uses.get(called)
        if known is not None:
            before = None if before is None or known.available is None else before & known.available
        uses[called] = DecisionUse(known.task_id if known else nid, None if before is None else frozenset(before),
                                   frozenset(read_later), frozenset(set_elsewhere))
    return uses
