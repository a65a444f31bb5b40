"""Checks on DMN files for what SpiffWorkflow's DMN support would crash on or evaluate wrongly.

SpiffWorkflow 3.2.0 reads only the first decision of a file, evaluates only decision tables,
ignores decision requirements and treats every hit policy but COLLECT as "first match". A file
that relies on any of that is refused here, naming the decision, instead of running differently.
"""
from __future__ import annotations

from lxml import etree

from .errors import Problem

_HIT_POLICIES = {"UNIQUE", "FIRST", "COLLECT"}  # what SpiffWorkflow's DMN engine evaluates correctly


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _dmn_problem(el: etree._Element, message: str, source: str) -> Problem:
    return Problem(message, element="dmn:" + _local(el), element_id=el.get("id"), line=el.sourceline,
                   source=source)


def dmn_decisions(root: etree._Element) -> list[etree._Element]:
    """The decisions of a DMN document, in file order."""
    return [c for c in root if isinstance(c.tag, str) and _local(c) == "decision"]


def dmn_problems(tree: etree._ElementTree, source: str) -> list[Problem]:
    """What SpiffWorkflow's DMN support would crash on or evaluate wrongly, decision by decision."""
    root = tree.getroot()
    if _local(root) != "definitions" or "/DMN/" not in (etree.QName(root).namespace or "").upper():
        return [_dmn_problem(root, "not a DMN file (expected a DMN <definitions> element)", source)]
    decisions = dmn_decisions(root)
    if not decisions:
        return [_dmn_problem(root, "the file has no decision", source)]
    problems, seen = [], set()
    for decision in decisions:
        did = decision.get("id")
        if not did:
            problems.append(_dmn_problem(decision, "decision has no id, so no task can call it", source))
        elif did in seen:
            problems.append(_dmn_problem(decision, f"decision id {did!r} is used twice", source))
        seen.add(did)
        required = sorted({r.get("href", "") for r in decision.iter() if isinstance(r.tag, str)
                           and _local(r) == "requiredDecision"})
        if required:
            problems.append(_dmn_problem(decision, f"decision requires decision(s) {', '.join(required)}: decision "
                                                   "requirement graphs are not supported; call each decision "
                                                   "from its own business rule task", source))
        if any(isinstance(r.tag, str) and _local(r) == "knowledgeRequirement" for r in decision.iter()):
            problems.append(_dmn_problem(decision, "business knowledge models are not supported", source))
        tables = [c for c in decision if isinstance(c.tag, str) and _local(c) == "decisionTable"]
        if len(tables) != 1:
            problems.append(_dmn_problem(decision, "decision logic must be one decision table (literal expressions "
                                                   "and other forms are not supported)", source))
            continue
        table = tables[0]
        policy = (table.get("hitPolicy") or "UNIQUE").upper()
        if policy not in _HIT_POLICIES:
            problems.append(_dmn_problem(table, f"hit policy {policy} is not supported (use UNIQUE, FIRST or "
                                                "COLLECT)", source))
        if table.get("aggregation"):
            problems.append(_dmn_problem(table, f"COLLECT aggregation {table.get('aggregation')} is not "
                                                "supported", source))
    return problems
