"""Whether a request may be approved automatically, and by which rule: told on the form and on the request.

The approval-level table (the process's DMN) marks a request `auto_approval_eligible` below an amount; a live
rule set on the process then decides it on its schedule. Both are read as deployed and published, so the hint
follows the table and the rules an administrator changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from lxml import etree
from sqlalchemy import select

from engine import ProcessDefinition

from .extensions import db

FLAG = "auto_approval_eligible"
_BELOW = re.compile(r"^\s*<\s*([0-9]+(?:\.[0-9]+)?)\s*$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class AutoPath:
    rule_set: str
    rules: tuple[str, ...]  # the rules that may approve
    below: float | None  # the amount under which the approval-level table makes a request eligible


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def eligible_below(dmn_sources: list[str]) -> float | None:
    """The `< N` amount of the decision-table row that sets `auto_approval_eligible` to True."""
    for source in dmn_sources:
        root = etree.fromstring(source.encode(), _PARSER)
        for table in (el for el in root.iter() if isinstance(el.tag, str) and _local(el) == "decisionTable"):
            outputs = [o.get("name") for o in table if isinstance(o.tag, str) and _local(o) == "output"]
            if FLAG not in outputs:
                continue
            for rule in (r for r in table if isinstance(r.tag, str) and _local(r) == "rule"):
                entries = [e for e in rule if isinstance(e.tag, str)]
                inputs = [e.findtext("{*}text") or "" for e in entries if _local(e) == "inputEntry"]
                results = [e.findtext("{*}text") or "" for e in entries if _local(e) == "outputEntry"]
                if results[outputs.index(FLAG)].strip() == "True" and inputs and _BELOW.match(inputs[0]):
                    return float(_BELOW.match(inputs[0]).group(1))  # type: ignore[union-attr]
    return None


def for_process(process_key: str) -> AutoPath | None:
    """The live rule set that may approve this process's requests, or None when none would."""
    store = current_app.extensions["opsflow.rules"]
    for rule_set in (rs for rs in store.rule_sets() if rs.process_key == process_key):
        live = store.live(rule_set.id)
        rules = tuple(r["name"] for r in (live.rules if live else []) if r.get("decision") == "approve")
        if rules:
            dmn = db.session.scalar(select(ProcessDefinition.dmn_xml).where(ProcessDefinition.key == process_key)
                                    .order_by(ProcessDefinition.version.desc()).limit(1))
            return AutoPath(rule_set.name, rules, eligible_below(list(dmn or [])))
    return None
