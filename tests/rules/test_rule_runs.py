"""Scheduled rule runs are rows in the jobs table: planned once per fire time, claimed once, taken again
after a scheduler dies mid-run without deciding any task twice."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from engine import Actor, Job, JobRunner, ServiceRegistry, WorkflowEngine
from rules import RULE_RUN_JOB, FactContext, FactProviders, RuleRuns, RuleStore
from rules.scheduled import RUN_LEASE

RITA = Actor("rita", groups=frozenset({"requesters"}), department="it")
SMALL = [{"name": "small", "decision": "approve", "when": [{"fact": "amount", "op": "<", "value": 5000},
                                                           {"fact": "supplier_rating", "op": ">=", "value": 4}]}]
T0 = datetime(2030, 6, 3, 9, 0, 30)


Clock = Any  # tests/conftest.py's settable clock


@pytest.fixture
def clock(make_clock: Callable[[datetime], Clock]) -> Clock:
    return make_clock(T0)


@pytest.fixture
def eng(db: Engine, registry: ServiceRegistry, workflow_engine: WorkflowEngine, clock: Clock) -> WorkflowEngine:
    return WorkflowEngine(db, registry, clock=clock)


@pytest.fixture
def store(db: Engine, clock: Clock) -> RuleStore:
    return RuleStore(db, clock)


def rated(ctx: FactContext) -> int:
    return 5


def rule_set(store: RuleStore, schedule: str = "* * * * *") -> int:
    rule_set_id = store.create("Small purchases", "purchase_approval", "Task_manager_approval", "ada", schedule)
    store.save_draft(rule_set_id, SMALL, "ada")
    store.publish(rule_set_id, "ada", effective_from=T0 - timedelta(days=1))
    return rule_set_id


def scheduler(eng: WorkflowEngine, store: RuleStore, facts: FactProviders) -> tuple[RuleRuns, JobRunner]:
    """What one scheduler process holds: its rule runs, registered on its job runner."""
    runs, runner = RuleRuns(eng, store, facts), JobRunner(eng)
    runs.register(runner)
    return runs, runner


def poll(sched: tuple[RuleRuns, JobRunner], now: datetime, worker: str) -> int:
    runs, runner = sched
    runs.plan(now)
    runner.run_due(now, worker)
    return len(runs.take_summaries())


def run_jobs(eng: WorkflowEngine) -> list[tuple[str, datetime, Any]]:
    with eng.read() as s:
        return [(j.status, j.due_at, j.claimed_by) for j in s.scalars(
            select(Job).where(Job.kind == RULE_RUN_JOB).order_by(Job.due_at, Job.id))]


def request(eng: WorkflowEngine, unit_price: float = 1000) -> int:
    return eng.start("purchase_approval", {"item": "Mouse", "supplier": "ACME", "quantity": 1,
                                           "unit_price": unit_price, "reason": "spares", "department": "it"}, RITA).id


def completions(eng: WorkflowEngine, instance_id: int) -> list[str]:
    return [e.actor for e in eng.get(instance_id).history if e.kind == "task_completed"]


def test_each_fire_time_is_one_job_run_by_one_of_two_schedulers(
        eng: WorkflowEngine, store: RuleStore, clock: Clock) -> None:
    rule_set(store, "*/5 * * * *")
    assert run_jobs(eng) == [("pending", datetime(2030, 6, 3, 9, 5), None)]  # planned when created
    first = scheduler(eng, store, FactProviders())
    second = scheduler(WorkflowEngine(eng.db, eng.registry, clock=clock), RuleStore(eng.db, clock), FactProviders())
    assert poll(first, T0, "a") + poll(second, T0, "b") == 0  # not due yet; nothing planned twice
    runs = [poll(first, datetime(2030, 6, 3, 9, 5), "a"), poll(second, datetime(2030, 6, 3, 9, 5), "b")]
    assert runs == [1, 0]
    later = datetime(2030, 6, 3, 9, 6)
    assert poll(second, later, "b") + poll(first, later, "a") == 0
    assert run_jobs(eng) == [("done", datetime(2030, 6, 3, 9, 5), "a"),
                             ("pending", datetime(2030, 6, 3, 9, 10), None)]
    with eng.read() as s:
        done = s.scalars(select(Job).where(Job.kind == RULE_RUN_JOB, Job.status == "done")).one()
    assert done.payload["result"] == {"version": 1, "checked": 0, "approved": 0, "left": 0}


def test_a_new_schedule_moves_the_planned_run_and_is_audited(
        eng: WorkflowEngine, store: RuleStore, clock: Clock) -> None:
    rule_set_id = rule_set(store)
    store.set_schedule(rule_set_id, "0 18 * * *", "bob")
    assert run_jobs(eng) == [("cancelled", datetime(2030, 6, 3, 9, 1), None),
                             ("pending", datetime(2030, 6, 3, 18, 0), None)]
    assert store.next_runs() == {rule_set_id: datetime(2030, 6, 3, 18, 0)}
    changed = store.audit(rule_set_id)[0]
    assert (changed.action, changed.actor, changed.detail) == (
        "schedule_changed", "bob", {"before": "* * * * *", "after": "0 18 * * *"})
    store.set_schedule(rule_set_id, "* * * * *", "bob")  # back: the 09:01 run is planned anew
    assert [(due, status) for status, due, _ in run_jobs(eng) if status == "pending"] == [
        (datetime(2030, 6, 3, 9, 1), "pending")]


def test_a_run_left_by_a_dead_scheduler_is_taken_after_its_lease_and_decides_nothing_twice(
        eng: WorkflowEngine, store: RuleStore, clock: Clock) -> None:
    rule_set(store)
    first, second = request(eng), request(eng)
    calls: list[int] = []

    def dies_on_the_second_task(ctx: FactContext) -> int:
        calls.append(ctx.instance_id)
        if len(calls) == 2:
            raise KeyboardInterrupt("the scheduler process is killed")
        return 5

    dying = FactProviders()
    dying.register("supplier_rating", dies_on_the_second_task)
    due = datetime(2030, 6, 3, 9, 1)
    with pytest.raises(KeyboardInterrupt):
        poll(scheduler(eng, store, dying), due, "doomed")
    assert sorted(completions(eng, first) + completions(eng, second)) == ["system"]  # one decided, then killed
    assert run_jobs(eng) == [("running", due, "doomed")]

    facts = FactProviders()
    facts.register("supplier_rating", rated)
    survivor = scheduler(eng, store, facts)
    assert poll(survivor, due + timedelta(minutes=5), "survivor") == 0  # the run's lease still holds
    assert poll(survivor, due + RUN_LEASE + timedelta(seconds=1), "survivor") == 1
    assert completions(eng, first) == ["system"] and completions(eng, second) == ["system"]
    with eng.read() as s:
        job = s.scalars(select(Job).where(Job.kind == RULE_RUN_JOB, Job.due_at == due)).one()
    assert (job.status, job.attempts, job.payload["result"]["approved"]) == ("done", 2, 1)


def test_a_person_deciding_during_a_run_keeps_the_decision(eng: WorkflowEngine, store: RuleStore) -> None:
    rule_set(store)
    instance_id = request(eng)
    mike = Actor("mike", groups=frozenset({"it-managers"}))

    def person_first(ctx: FactContext) -> int:
        task = next(t for t in eng.get(ctx.instance_id).tasks if t.status == "open")
        eng.complete(task.id, mike, {"decision": "reject", "comment": "not now"})
        return 5

    facts = FactProviders()
    facts.register("supplier_rating", person_first)
    runs, runner = scheduler(eng, store, facts)
    runs.plan(T0)
    assert runner.run_due(datetime(2030, 6, 3, 9, 1), "w").done == 1
    [summary] = runs.take_summaries()
    assert (summary.approved, summary.conflicts) == (0, 1)
    assert completions(eng, instance_id) == ["mike"]
