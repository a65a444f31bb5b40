"""Rules as data, evaluated: typed facts in, a decision with its reasons out.

A rule is `{"name", "decision": "approve" | "never", "when": [{"fact", "op", "value"}, ...]}`.
A `never` rule that matches vetoes any automatic decision (a requester in probation);
otherwise the first `approve` rule whose conditions all hold decides. A condition whose
fact is not available does not hold, and says so: the rule works with whatever facts
the installed modules provide and never guesses the rest.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

DECISIONS = ("approve", "never")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
}
MISSING = object()


class RuleError(ValueError):
    """A rule set that cannot be saved; `problems` names each bad field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Decision:
    outcome: str | None  # "approve", or None: leave the task to a person
    rule: str | None
    inputs: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    # each condition looked at, as data a screen can put in words: {rule, decision, fact, op, value, holds[, actual]}
    checks: list[dict[str, Any]] = field(default_factory=list)


def check(rules: Any) -> list[dict[str, Any]]:
    """Validate a rule list as the admin page or API hands it in; raise RuleError naming each problem."""
    problems: list[str] = []
    if not isinstance(rules, list):
        raise RuleError(["rules: must be a list"])
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        if not isinstance(rule, dict):
            problems.append(f"{where}: must be an object")
            continue
        if not str(rule.get("name", "")).strip():
            problems.append(f"{where}.name: required")
        if rule.get("decision") not in DECISIONS:
            problems.append(f"{where}.decision: must be one of {', '.join(DECISIONS)}")
        when = rule.get("when")
        if not isinstance(when, list) or not when:
            problems.append(f"{where}.when: must be a non-empty list of conditions")
            continue
        for j, cond in enumerate(when):
            at = f"{where}.when[{j}]"
            if not isinstance(cond, dict) or not str(cond.get("fact", "")).strip():
                problems.append(f"{at}.fact: required")
                continue
            if cond.get("op") not in OPERATORS:
                problems.append(f"{at}.op: must be one of {' '.join(OPERATORS)}")
            if "value" not in cond:
                problems.append(f"{at}.value: required")
            elif cond.get("op") in ("in", "not_in") and not isinstance(cond["value"], list):
                problems.append(f"{at}.value: must be a list for {cond['op']}")
    if problems:
        raise RuleError(problems)
    return rules


def _holds(cond: Mapping[str, Any], facts: Callable[[str], Any], inputs: dict[str, Any],
           seen: dict[str, Any]) -> tuple[bool, str]:
    name, op, expected = cond["fact"], cond["op"], cond["value"]
    seen.update(fact=name, op=op, value=expected, holds=False)
    value = facts(name)
    if value is MISSING:
        return False, f"fact {name} is not available"
    inputs[name] = seen["actual"] = value
    try:
        ok = bool(OPERATORS[op](value, expected))
    except TypeError:
        return False, f"{name}={value!r} cannot be compared with {op} {expected!r}"
    seen["holds"] = ok
    return ok, f"{name}={value!r} {op} {expected!r}" + ("" if ok else " does not hold")


def _matches(rule: Mapping[str, Any], facts: Callable[[str], Any], inputs: dict[str, Any],
             checks: list[dict[str, Any]]) -> tuple[bool, list[str]]:
    reasons = []
    for cond in rule["when"]:
        seen: dict[str, Any] = {"rule": rule["name"], "decision": rule["decision"]}
        ok, reason = _holds(cond, facts, inputs, seen)
        checks.append(seen)
        if not ok:
            return False, [f"{rule['name']}: {reason}"]
        reasons.append(reason)
    return True, [f"{rule['name']}: " + ", ".join(reasons)]


def evaluate(rules: list[dict[str, Any]], facts: Callable[[str], Any]) -> Decision:
    """Decide by `rules` on the facts `facts(name)` returns (MISSING when none is known)."""
    inputs: dict[str, Any] = {}
    reasons: list[str] = []
    checks: list[dict[str, Any]] = []
    for rule in (r for r in rules if r["decision"] == "never"):
        matched, why = _matches(rule, facts, inputs, checks)
        if matched:
            return Decision(None, rule["name"], inputs, [f"vetoed by {why[0]}"], checks)
        reasons.extend(why)
    for rule in (r for r in rules if r["decision"] == "approve"):
        matched, why = _matches(rule, facts, inputs, checks)
        if matched:
            return Decision("approve", rule["name"], inputs, why, checks)
        reasons.extend(why)
    return Decision(None, None, inputs, reasons, checks)
