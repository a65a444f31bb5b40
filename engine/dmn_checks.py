"""Checks of a decision table against the flow that calls it, before a deploy.

A table edited in the browser can still parse and yet fail only when a request reaches its
business rule task: an input column that reads a variable no earlier step sets, a cell that is
not an expression, an output the flow reads after the task that the table no longer gives. Those
are errors, named by rule number and column. Two rules of a UNIQUE table that can both match
(numeric ranges that meet, equal values) are a warning: SpiffWorkflow then silently takes the
first, which is what FIRST says, so the deploy goes on but the designer is told. Hit policies
SpiffWorkflow cannot evaluate are refused by `dmn_validation`, which this module runs beside.
"""
from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from .data_checks import DecisionUse, decision_uses
from .dmn_validation import dmn_decisions
from .errors import DefinitionError, Problem
from .parser import SourceFile, load_xml
from .scripting.restricted import BUILTINS

_KNOWN = set(BUILTINS) | {"True", "False", "None", "dmninputexpr"}
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_COMPARE = re.compile(rf"^(<=|>=|<|>|==)?\s*({_NUMBER})$")
_BETWEEN = re.compile(rf"^({_NUMBER})\s*(<=|<)\s*\?\s*(<=|<)\s*({_NUMBER})$")
_FEEL_RANGE = re.compile(rf"^([\[(\]])\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*([\])\[])$")
_QUESTION = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')  # SpiffWorkflow's own `?` substitution


@dataclass(frozen=True)
class DecisionReport:
    """What a deploy must refuse (`errors`) and what the designer should only be told of (`warnings`)."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Interval:
    lo: float
    lo_in: bool
    hi: float
    hi_in: bool

    def meets(self, other: _Interval) -> bool:
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        if lo < hi:
            return True
        if lo > hi:
            return False
        return (self._has(lo)) and other._has(lo)

    def _has(self, x: float) -> bool:
        return (self.lo < x or (self.lo == x and self.lo_in)) and (x < self.hi or (x == self.hi and self.hi_in))


_ANY = "any"


def _cell(text: str) -> object:
    """What a cell matches: _ANY, an _Interval, a frozenset of equal values, or None when unknown."""
    text = text.strip()
    if text in ("", "-"):
        return _ANY
    if m := _COMPARE.match(text):
        op, x = m.group(1) or "==", float(m.group(2))
        return {"<": _Interval(-math.inf, False, x, False), "<=": _Interval(-math.inf, False, x, True),
                ">": _Interval(x, False, math.inf, False), ">=": _Interval(x, True, math.inf, False),
                "==": _Interval(x, True, x, True)}[op]
    if m := _BETWEEN.match(text):
        return _Interval(float(m.group(1)), m.group(2) == "<=", float(m.group(4)), m.group(3) == "<=")
    if m := _FEEL_RANGE.match(text):
        return _Interval(float(m.group(2)), m.group(1) == "[", float(m.group(3)), m.group(4) == "]")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    values = value if isinstance(value, tuple) else (value,)
    if all(isinstance(v, (str, bool)) for v in values):
        return frozenset(values)
    if all(isinstance(v, (int, float)) for v in values):
        return frozenset(float(v) for v in values)
    return None


def _both_match(a: object, b: object) -> bool:
    """Whether one input value can satisfy both cells; unknown cells are never claimed to."""
    if a is None or b is None:
        return False
    if a is _ANY or b is _ANY:
        return True
    if isinstance(a, _Interval) and isinstance(b, _Interval):
        return a.meets(b)
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return bool(a & b)
    values, interval = (a, b) if isinstance(a, frozenset) else (b, a)
    return any(isinstance(v, float) and interval.meets(_Interval(v, True, v, True)) for v in values)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _text(el: etree._Element) -> str:
    texts = _children(el, "text")
    return (texts[0].text or "") if texts else ""


def _reads(expression: str) -> tuple[set[str], bool]:
    """(names the expression reads, whether it parses as Python) -- what SpiffWorkflow evaluates."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return set(), False
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - _KNOWN, True


def _entry_parses(entry: str) -> bool:
    """SpiffWorkflow's reading of a cell: `?` stands for the input, else `input == cell` or `input cell`."""
    entry = _QUESTION.sub("dmninputexpr", entry.strip())
    return _reads(entry)[1] or _reads(f"dmninputexpr {entry}")[1]


class _Table:
    """One decision table and the problems found in it, named by rule number and column."""

    def __init__(self, decision: etree._Element, source: str) -> None:
        self.decision, self.source = decision, source
        self.table = _children(decision, "decisionTable")[0]
        self.inputs = _children(self.table, "input")
        self.outputs = _children(self.table, "output")
        self.rules = _children(self.table, "rule")
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def _problem(self, el: etree._Element, message: str) -> Problem:
        return Problem(f"decision {self.decision.get('id')!r}: {message}", element="dmn:" + _local(el),
                       element_id=el.get("id"), line=el.sourceline, source=self.source)

    def input_column(self, i: int) -> str:
        el = self.inputs[i]
        label = el.get("label") or next((_text(x) for x in _children(el, "inputExpression")), "").strip()
        return f"input column {i + 1} ({label})" if label else f"input column {i + 1}"

    def output_column(self, i: int) -> str:
        el = self.outputs[i]
        label = el.get("label") or el.get("name") or ""
        return f"output column {i + 1} ({label})" if label else f"output column {i + 1}"

    def check(self, use: DecisionUse | None, previous: set[str]) -> None:
        available = use.available if use is not None else None
        where = f" before task {use.task_id!r}" if use is not None else ""
        for i, el in enumerate(self.inputs):
            expression = next((_text(x) for x in _children(el, "inputExpression")), "").strip()
            if not expression:
                self.errors.append(self._problem(el, f"{self.input_column(i)} has no input expression"))
                continue
            names, ok = _reads(expression)
            if not ok:
                self.errors.append(self._problem(el, f"{self.input_column(i)}: {expression!r} is not an expression"))
            for name in sorted(names - available) if available is not None else ():
                self.errors.append(self._problem(el, f"{self.input_column(i)} reads {name!r}, which the flow does "
                                                     f"not set{where}"))
        names_out = [o.get("name") or "" for o in self.outputs]
        for i, name in enumerate(names_out):
            if not name.strip():
                self.errors.append(self._problem(self.outputs[i], f"{self.output_column(i)} has no name, so the "
                                                                  "flow cannot read its value"))
        if use is not None:
            for name in sorted((use.read_later & previous) - use.set_elsewhere - set(names_out)):
                self.errors.append(self._problem(self.table, f"the output {name!r} is gone, but the flow reads it "
                                                             f"after task {use.task_id!r}"))
        self._check_cells(available, where)

    def _check_cells(self, available: frozenset[str] | None, where: str) -> None:
        for r, rule in enumerate(self.rules, start=1):
            entries, outs = _children(rule, "inputEntry"), _children(rule, "outputEntry")
            if len(entries) != len(self.inputs) or len(outs) != len(self.outputs):
                self.errors.append(self._problem(rule, f"rule {r} has {len(entries)} input and {len(outs)} output "
                                                       f"cells; the table has {len(self.inputs)} and "
                                                       f"{len(self.outputs)} columns"))
                continue
            cells = [(self.input_column(i), _text(e), True) for i, e in enumerate(entries)]
            cells += [(self.output_column(i), _text(e), False) for i, e in enumerate(outs)]
            for column, text, is_input in cells:
                if not text.strip() or (is_input and text.strip() == "-"):
                    continue
                ok = _entry_parses(text) if is_input else _reads(text)[1]
                if not ok:
                    self.errors.append(self._problem(rule, f"rule {r}, {column}: {text.strip()!r} is not an "
                                                           "expression"))
                    continue
                probe = _QUESTION.sub("dmninputexpr", text.strip()) if is_input else text
                names = _reads(probe)[0] or _reads(f"dmninputexpr {probe}")[0]
                for name in sorted(names - available) if available is not None else ():
                    self.errors.append(self._problem(rule, f"rule {r}, {column} reads {name!r}, which the flow "
                                                           f"does not set{where}"))
        if (self.table.get("hitPolicy") or "UNIQUE").upper() == "UNIQUE":
            self._overlaps()

    def _overlaps(self) -> None:
        parsed = [[_cell(_text(e)) for e in _children(rule, "inputEntry")] for rule in self.rules]
        for a in range(len(self.rules)):
            for b in range(a + 1, len(self.rules)):
                if len(parsed[a]) != len(self.inputs) or len(parsed[b]) != len(self.inputs):
                    continue
                if all(_both_match(x, y) for x, y in zip(parsed[a], parsed[b], strict=True)):
                    columns = ", ".join(self.input_column(i) for i in range(len(self.inputs))) or "no input"
                    self.warnings.append(self._problem(
                        self.rules[b], f"rules {a + 1} and {b + 1} can both match ({columns}): the hit policy is "
                                       f"UNIQUE, so only rule {a + 1} is used"))


def decisions_in(dmn: SourceFile) -> list[tuple[str, str]]:
    """(id, name) of each decision of a DMN file, in file order; none when the file does not load."""
    try:
        root = load_xml(dmn).getroot()
    except DefinitionError:
        return []
    return [(d.get("id") or "", d.get("name") or d.get("id") or "") for d in dmn_decisions(root)]


def _outputs(dmn: Iterable[SourceFile]) -> dict[str, set[str]]:
    """decision id -> the names of its output columns, for the files that load."""
    found: dict[str, set[str]] = {}
    for d in dmn:
        try:
            root = load_xml(d).getroot()
        except DefinitionError:
            continue
        for decision in dmn_decisions(root):
            found[decision.get("id") or ""] = {o.get("name") for o in decision.iter() if isinstance(o.tag, str)
                                               and _local(o) == "output" and o.get("name")}
    return found


def decision_report(bpmn: SourceFile, dmn: Iterable[SourceFile], forms: dict, *,
                    previous: Iterable[SourceFile] = ()) -> DecisionReport:
    """Every problem of the decision tables a process calls, checked against what its flow sets and reads.

    `previous`: the tables of the version being edited; an output they gave that the flow reads and
    the edited table dropped is named as the table's error (without them, only where the flow reads it).

    Files that do not load, and decisions that are not one decision table, are the parser's and
    `dmn_validation`'s to report; they are skipped here so each problem is said once.
    """
    dmn = list(dmn)
    try:
        uses = decision_uses(bpmn.content, bpmn.name, forms, [d.content for d in dmn])
        roots = [(d.name, load_xml(d).getroot()) for d in dmn]
    except DefinitionError:
        return DecisionReport()
    report, before = DecisionReport(), _outputs(previous)
    for source, root in roots:
        for decision in dmn_decisions(root):
            if len(_children(decision, "decisionTable")) != 1:
                continue
            table = _Table(decision, source)
            table.check(uses.get(decision.get("id") or ""), before.get(decision.get("id") or "", set()))
            report.errors.extend(table.errors)
            report.warnings.extend(table.warnings)
    return report
