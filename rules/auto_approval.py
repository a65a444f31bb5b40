"""Scheduled automatic approval: each open task a live rule set decides is completed as the system.

The decision goes through `WorkflowEngine.complete` like a person's, with actor "system"; the
task_completed event names the rule, the rule set version and the input values that matched,
so the instance history explains it. A task the rules leave to a person gets one
`rule_not_applied` event per rule set version, with the reasons (a fact that was missing,
a condition that did not hold, a veto).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine import Actor, Conflict, HumanTask, WorkflowEngine, record

from .evaluation import Decision, evaluate
from .facts import FactContext, FactProviders
from .models import RuleSet
from .store import RuleStore

RULES_ACTOR = Actor("system", roles=frozenset({"system"}))
Progress = Callable[[int, int], None]


@dataclass
class RunSummary:
    rule_set: str
    version: int | None
    checked: int = 0
    approved: int = 0
    left: int = 0
    conflicts: int = 0
    decisions: list[tuple[str, Decision]] = field(default_factory=list)


def _tasks(engine: WorkflowEngine, rule_set: RuleSet, status: str,
           since: datetime | None = None) -> list[HumanTask]:
    q = select(HumanTask).where(HumanTask.process_key == rule_set.process_key,
                                HumanTask.task_name == rule_set.task_name, HumanTask.status == status)
    if since is not None:
        q = q.where(HumanTask.completed_at >= since)
    with engine.read() as session:
        return list(session.scalars(q.order_by(HumanTask.created_at, HumanTask.id)))


def decide(engine: WorkflowEngine, facts: FactProviders, rule_set: RuleSet, rules: list[dict[str, Any]],
           row: HumanTask) -> Decision:
    view = engine.get(row.instance_id)
    ctx = FactContext(rule_set.process_key, rule_set.task_name, row.instance_id, view.started_by, view.data)
    return evaluate(rules, facts.lookup(ctx))


def run_rule_set(engine: WorkflowEngine, store: RuleStore, facts: FactProviders, rule_set_id: int,
                 now: datetime | None = None, progress: Progress | None = None) -> RunSummary:
    rule_set = store.get(rule_set_id)
    live = store.live(rule_set_id, now)
    summary = RunSummary(rule_set.name, live.version if live else None)
    if live is None:
        return summary
    rows = _tasks(engine, rule_set, "open")
    for i, row in enumerate(rows, 1):
        decision = decide(engine, facts, rule_set, live.rules, row)
        summary.checked += 1
        summary.decisions.append((row.id, decision))
        if decision.outcome == "approve":
            detail = {"rule": decision.rule, "rule_set": rule_set.name, "rule_version": live.version,
                      "inputs": decision.inputs, "checks": decision.checks}
            try:
                engine.complete(row.id, RULES_ACTOR, {
                    "decision": "approve",
                    "comment": f"Automatically approved by rule {decision.rule!r} "
                               f"({rule_set.name} v{live.version})"}, detail=detail)
                summary.approved += 1
            except Conflict:  # a person decided first: theirs stands
                summary.conflicts += 1
        else:
            summary.left += 1
            try:
                record(engine, row.instance_id, "rule_not_applied", "system", task_id=row.id,
                       task_name=row.task_name, once_per=("rule_version",), rule_set=rule_set.name,
                       rule_version=live.version, rule=decision.rule, reasons=decision.reasons,
                       inputs=decision.inputs, checks=decision.checks)
            except Conflict:  # another scheduler wrote the same note at this moment
                pass
        if progress:
            progress(i, len(rows))
    return summary


@dataclass
class BacktestChange:
    task_id: str
    instance_id: int
    actual: str | None
    draft: str | None
    amount: Any
    rule: str | None


@dataclass
class BacktestResult:
    days: int
    total: int = 0
    would_approve: int = 0
    agreed: int = 0
    changed: int = 0
    amount_would_approve: float = 0.0
    amount_changed: float = 0.0
    changes: list[BacktestChange] = field(default_factory=list)


def backtest(engine: WorkflowEngine, facts: FactProviders, rule_set: RuleSet, rules: list[dict[str, Any]],
             now: datetime, days: int, amount_fact: str = "amount",
             progress: Progress | None = None) -> BacktestResult:
    """Apply `rules` to the last `days` of completed tasks: which decisions would the rules have made?

    A change is a task the rules would approve that a person rejected; the amounts let the
    business weigh what the rule set would have let through.
    """
    result = BacktestResult(days)
    rows = _tasks(engine, rule_set, "completed", since=now - timedelta(days=days))
    for i, row in enumerate(rows, 1):
        decision = decide(engine, facts, rule_set, rules, row)
        result.total += 1
        amount = engine.get(row.instance_id).data.get(amount_fact)
        numeric = float(amount) if isinstance(amount, (int, float)) else 0.0
        if decision.outcome == "approve":
            result.would_approve += 1
            result.amount_would_approve += numeric
            if row.outcome == "approve":
                result.agreed += 1
            else:
                result.changed += 1
                result.amount_changed += numeric
                result.changes.append(BacktestChange(row.id, row.instance_id, row.outcome, "approve",
                                                     amount, decision.rule))
        if progress:
            progress(i, len(rows))
    return result
