"""A rule's reasoning as a sentence a requester understands.

The rules record each condition they looked at as data (`checks`: fact, operator, expected value,
the value found, whether it held; see rules/evaluation.py). This turns them into words:
"Approved automatically by the rule “small, from a trusted supplier”: the amount is within the limit
for automatic approval, the supplier's rating is 5, the requester has passed probation."
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .formatting import money, number

FACT_NAMES = {
    "amount": _l("the amount"),
    "supplier_rating": _l("the supplier's rating"),
    "department": _l("the department"),
}
# facts that are yes or no read as a statement about the request, true first
FACT_STATES = {
    "requester_on_probation": (_l("the requester is on probation"), _l("the requester has passed probation")),
    "auto_approval_eligible": (_l("the amount is within the limit for automatic approval"),
                               _l("the amount is over the limit for automatic approval")),
}
NEEDS = {"<": _l("under %(value)s"), "<=": _l("at most %(value)s"), ">": _l("over %(value)s"),
         ">=": _l("at least %(value)s"), "==": _l("%(value)s"), "!=": _l("other than %(value)s"),
         "in": _l("one of %(value)s"), "not_in": _l("none of %(value)s")}


def _value(fact: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(fact, v) for v in value)
    if fact == "amount":
        return money(value)
    return number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def condition(check: dict[str, Any]) -> str:
    """One condition as the state of the request: what was found, and what was needed when it fell short."""
    fact = str(check.get("fact", ""))
    name = str(FACT_NAMES.get(fact, fact.replace("_", " ")))
    actual = check.get("actual")
    if actual is None:
        return _("%(fact)s is not known", fact=name)
    if fact in FACT_STATES and isinstance(actual, bool):
        return str(FACT_STATES[fact][0 if actual else 1])
    found = _("%(fact)s is %(value)s", fact=name, value=_value(fact, actual))
    if check.get("holds"):
        return found
    need = str(NEEDS.get(str(check.get("op")), "%(value)s")) % {"value": _value(fact, check.get("value"))}
    return _("%(found)s (needs %(need)s)", found=found, need=need)


def _joined(checks: list[dict[str, Any]]) -> str:
    return _(", ").join(condition(c) for c in checks)


def approved(detail: dict[str, Any]) -> str:
    """Why a rule approved: its conditions, and the vetoes that did not apply."""
    checks = detail.get("checks") or []
    why = ([c for c in checks if c.get("rule") == detail.get("rule") and c.get("holds")]
           + [c for c in checks if c.get("decision") == "never" and not c.get("holds")])
    if not why:
        return _("Approved automatically by the rule “%(rule)s”.", rule=detail.get("rule", ""))
    return _("Approved automatically by the rule “%(rule)s”: %(reasons)s.", rule=detail.get("rule", ""),
             reasons=_joined(why))


def left_to_a_person(detail: dict[str, Any]) -> str:
    """Why the rules left a task to a person: the veto that applied, or each condition that fell short."""
    checks = detail.get("checks")
    if checks is None:  # recorded before the rules kept their checks
        return "; ".join(detail.get("reasons") or [])
    vetoed = [c for c in checks if c.get("decision") == "never" and c.get("rule") == detail.get("rule")
              and c.get("holds")]
    if vetoed:
        return _("Left to a person, because %(reasons)s.", reasons=_joined(vetoed))
    short = [c for c in checks if c.get("decision") == "approve" and not c.get("holds")]
    return _("Left to a person, because %(reasons)s.", reasons=_joined(short)) if short else \
        _("Left to a person: no rule applies.")
