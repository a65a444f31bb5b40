"""Automatic approval end to end: a purchase request under the threshold is approved by rule on schedule."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from engine import Actor, ServiceRegistry, WorkflowEngine
from rules import FactProviders, RuleStore, backtest, run_due
from rules.models import RuleSet

RITA = Actor("rita", groups=frozenset({"requesters"}), department="it")
PAUL = Actor("paul", groups=frozenset({"requesters"}), department="it")
MIKE = Actor("mike", groups=frozenset({"it-managers"}))
RULES = [
    {"name": "probation", "decision": "never", "when": [{"fact": "requester_on_probation", "op": "==", "value": True}]},
    {"name": "small and trusted", "decision": "approve",
     "when": [{"fact": "amount", "op": "<", "value": 5000}, {"fact": "supplier_rating", "op": ">=", "value": 4}]},
]
RATINGS = {"ACME Ltd": 5, "Shady Co": 2}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2030, 6, 3, 9, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def eng(db: Engine, registry: ServiceRegistry, workflow_engine: WorkflowEngine, clock: Clock) -> WorkflowEngine:
    return WorkflowEngine(db, registry, clock=clock)


@pytest.fixture
def facts() -> FactProviders:
    """What the procurement and HR modules would register; here from plain tables."""
    providers = FactProviders()
    providers.register("supplier_rating", lambda ctx: RATINGS.get(ctx.data.get("supplier")))
    providers.register("requester_on_probation", lambda ctx: ctx.requester == "paul")
    return providers


@pytest.fixture
def store(db: Engine, clock: Clock) -> RuleStore:
    store = RuleStore(db, clock)
    rule_set = store.create("Manager approval by rule", "purchase_approval", "Task_manager_approval", "ada")
    store.save_draft(rule_set, RULES, "ada")
    store.publish(rule_set, "ada")
    return store


def request(quantity: int, unit_price: float, supplier: str = "ACME Ltd") -> dict[str, Any]:
    return {"item": "Mouse", "supplier": supplier, "quantity": quantity, "unit_price": unit_price,
            "reason": "spares", "department": "it"}


def test_a_small_request_is_approved_by_rule_and_the_history_says_why(
        eng: WorkflowEngine, store: RuleStore, facts: FactProviders, clock: Clock) -> None:
    small = eng.start("purchase_approval", request(2, 1000), RITA)
    big = eng.start("purchase_approval", request(2, 4000), RITA)
    shady = eng.start("purchase_approval", request(1, 100, "Shady Co"), RITA)
    probation = eng.start("purchase_approval", request(1, 100), PAUL)

    [summary] = run_due(eng, store, facts, clock())
    assert (summary.checked, summary.approved, summary.left) == (4, 1, 3)

    view = eng.get(small.id)
    assert view.status == "completed"
    [event] = [e for e in view.history if e.kind == "task_completed"]
    assert event.actor == "system" and event.task_name == "Task_manager_approval"
    assert event.detail["rule"] == "small and trusted"
    assert (event.detail["rule_set"], event.detail["rule_version"]) == ("Manager approval by rule", 1)
    assert event.detail["inputs"] == {"requester_on_probation": False, "amount": 2000, "supplier_rating": 5}
    assert event.detail["outcome"] == "approve"
    [task] = [t for t in view.tasks if t.task_name == "Task_manager_approval"]
    assert (task.completed_by, task.outcome) == ("system", "approve")

    for inst, reason in ((big, "amount=8000.0 < 5000 does not hold"), (shady, "supplier_rating=2 >= 4"),
                         (probation, "vetoed by probation")):
        left = eng.get(inst.id)
        assert left.status == "waiting"
        [note] = [e for e in left.history if e.kind == "rule_not_applied"]
        assert any(reason in r for r in note.detail["reasons"]), note.detail
    assert eng.complete(eng.get(big.id).tasks[0].id, MIKE, {"decision": "approve"}).status == "completed"


def test_a_run_is_taken_once_per_fire_time_and_notes_are_not_repeated(
        eng: WorkflowEngine, store: RuleStore, facts: FactProviders, clock: Clock) -> None:
    big = eng.start("purchase_approval", request(2, 4000), RITA)
    assert len(run_due(eng, store, facts, clock())) == 1
    assert run_due(eng, store, facts, clock() + timedelta(seconds=59)) == []  # another scheduler, same minute
    assert len(run_due(eng, store, facts, clock() + timedelta(seconds=60))) == 1
    assert [e.kind for e in eng.get(big.id).history].count("rule_not_applied") == 1


def test_missing_facts_leave_the_task_to_a_person(eng: WorkflowEngine, store: RuleStore, clock: Clock) -> None:
    small = eng.start("purchase_approval", request(2, 1000), RITA)
    [summary] = run_due(eng, store, FactProviders(), clock())  # no procurement module: no ratings
    assert summary.approved == 0
    [note] = [e for e in eng.get(small.id).history if e.kind == "rule_not_applied"]
    assert "small and trusted: fact supplier_rating is not available" in note.detail["reasons"]


def test_a_version_takes_effect_from_its_date(eng: WorkflowEngine, store: RuleStore, facts: FactProviders,
                                              clock: Clock) -> None:
    rule_set = store.rule_sets()[0].id
    store.save_draft(rule_set, [{**RULES[1], "when": [{"fact": "amount", "op": "<", "value": 100000}]}], "ada")
    store.publish(rule_set, "bob", effective_from=clock() + timedelta(days=1))
    assert store.live(rule_set).version == 1
    clock.now += timedelta(days=1)
    assert store.live(rule_set).version == 2
    assert [a.action for a in store.audit(rule_set)] == ["published", "draft_saved", "published", "draft_saved",
                                                         "created"]
    assert store.audit(rule_set)[1].actor == "ada"


def test_backtest_counts_the_decisions_a_draft_would_change(
        eng: WorkflowEngine, store: RuleStore, facts: FactProviders, clock: Clock) -> None:
    rejected = eng.start("purchase_approval", request(1, 3000), RITA)
    approved = eng.start("purchase_approval", request(1, 200), RITA)
    large = eng.start("purchase_approval", request(1, 9000), RITA)
    for inst, decision in ((rejected, "reject"), (approved, "approve"), (large, "approve")):
        eng.complete(eng.get(inst.id).tasks[0].id, MIKE, {"decision": decision, "comment": "checked"})
    rule_set = RuleSet(process_key="purchase_approval", task_name="Task_manager_approval", name="draft")
    draft = [{"name": "under 10k", "decision": "approve", "when": [{"fact": "amount", "op": "<", "value": 10000}]}]
    result = backtest(eng, facts, rule_set, draft, clock() + timedelta(days=1), days=30)
    assert (result.total, result.would_approve, result.agreed, result.changed) == (3, 3, 2, 1)
    assert (result.amount_would_approve, result.amount_changed) == (12200, 3000)
    assert [(c.instance_id, c.actual, c.draft) for c in result.changes] == [(rejected.id, "reject", "approve")]
    old = backtest(eng, facts, rule_set, draft, clock() + timedelta(days=40), days=30)
    assert old.total == 0
