"""Rule evaluation, as a table: facts in, decision and reason out."""
from __future__ import annotations

from typing import Any

import pytest

from rules import MISSING, RuleError, check, evaluate

PURCHASE = [
    {"name": "probation", "decision": "never", "when": [{"fact": "requester_on_probation", "op": "==", "value": True}]},
    {"name": "small and trusted", "decision": "approve",
     "when": [{"fact": "amount", "op": "<", "value": 5000}, {"fact": "supplier_rating", "op": ">=", "value": 4}]},
]


def facts(**known: Any):  # noqa: ANN201
    return lambda name: known.get(name, MISSING)


@pytest.mark.parametrize(("known", "outcome", "rule", "reason"), [
    ({"amount": 4999, "supplier_rating": 4, "requester_on_probation": False}, "approve", "small and trusted",
     "amount=4999 < 5000, supplier_rating=4 >= 4"),
    ({"amount": 5000, "supplier_rating": 5, "requester_on_probation": False}, None, None,
     "amount=5000 < 5000 does not hold"),
    ({"amount": 100, "supplier_rating": 3, "requester_on_probation": False}, None, None,
     "supplier_rating=3 >= 4 does not hold"),
    ({"amount": 100, "supplier_rating": 5, "requester_on_probation": True}, None, "probation",
     "vetoed by probation"),
    ({"amount": 100, "requester_on_probation": False}, None, None, "fact supplier_rating is not available"),
    ({"amount": 100, "supplier_rating": 5}, "approve", "small and trusted", "supplier_rating=5 >= 4"),
    ({"amount": "a lot", "supplier_rating": 5}, None, None, "cannot be compared"),
])
def test_purchase_rules(known: dict[str, Any], outcome: str | None, rule: str | None, reason: str) -> None:
    decision = evaluate(PURCHASE, facts(**known))
    assert (decision.outcome, decision.rule) == (outcome, rule)
    assert any(reason in r for r in decision.reasons), decision.reasons


def test_inputs_are_the_values_the_rules_read() -> None:
    decision = evaluate(PURCHASE, facts(amount=10, supplier_rating=4, requester_on_probation=False, other=1))
    assert decision.inputs == {"requester_on_probation": False, "amount": 10, "supplier_rating": 4}


def test_in_and_not_in() -> None:
    rules = [{"name": "it", "decision": "approve", "when": [{"fact": "department", "op": "in", "value": ["it"]},
                                                             {"fact": "item", "op": "not_in", "value": ["car"]}]}]
    assert evaluate(rules, facts(department="it", item="laptop")).outcome == "approve"
    assert evaluate(rules, facts(department="it", item="car")).outcome is None


@pytest.mark.parametrize(("rules", "problem"), [
    ({}, "rules: must be a list"),
    ([{"decision": "approve", "when": [{"fact": "a", "op": "<", "value": 1}]}], "rules[0].name: required"),
    ([{"name": "x", "decision": "maybe", "when": [{"fact": "a", "op": "<", "value": 1}]}],
     "rules[0].decision: must be one of approve, never"),
    ([{"name": "x", "decision": "approve", "when": []}], "rules[0].when: must be a non-empty list"),
    ([{"name": "x", "decision": "approve", "when": [{"fact": "a", "op": "~", "value": 1}]}], "rules[0].when[0].op"),
    ([{"name": "x", "decision": "approve", "when": [{"fact": "a", "op": "<"}]}], "rules[0].when[0].value: required"),
    ([{"name": "x", "decision": "approve", "when": [{"fact": "a", "op": "in", "value": 1}]}], "must be a list for in"),
])
def test_bad_rules_are_refused_naming_the_field(rules: Any, problem: str) -> None:
    with pytest.raises(RuleError) as err:
        check(rules)
    assert any(problem in p for p in err.value.problems), err.value.problems
