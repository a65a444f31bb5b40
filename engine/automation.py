"""What automation brings, per month and per process: the figures a manager reports upwards.

A decision is a completed human task with an outcome; it was made by rule when its
`task_completed` event is the system's and names the rule (rules/auto_approval.py writes
it so). An instance counts as rule-approved when a rule approved one of its tasks, as
manually approved when people approved it and no rule took part. Time saved in a month is
(median cycle time of the manually approved instances − that of the rule-approved ones) ×
the number of rule-approved instances, over the instances completed in that month: what the
rule-approved ones would have cost had people decided them, at the manual median.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Event, HumanTask, ProcessInstance

APPROVED = ("approve", "approved")


@dataclass(frozen=True)
class AutomationMonth:
    month: str  # YYYY-MM
    decisions: int
    by_rule: int
    rule_approved: int  # instances completed this month that a rule approved
    manual_approved: int
    rule_median_s: float | None
    manual_median_s: float | None

    @property
    def rule_share(self) -> float | None:
        return self.by_rule / self.decisions if self.decisions else None

    @property
    def saved_s(self) -> float | None:
        """None when one of the two medians is unknown: nothing to compare, rather than a made-up zero."""
        if self.rule_median_s is None or self.manual_median_s is None:
            return None
        return (self.manual_median_s - self.rule_median_s) * self.rule_approved


@dataclass(frozen=True)
class ProcessMonth:
    """One process over one period: the monthly report's summary row."""

    process: str
    started: int
    completed: int
    cycle_p50_s: float | None
    cycle_p90_s: float | None
    sla_breaches: int  # tasks completed in the period after their due time
    decisions: int
    by_rule: int

    @property
    def rule_share(self) -> float | None:
        return self.by_rule / self.decisions if self.decisions else None


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def month_start(month: str) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1)


def next_month(month: str) -> str:
    start = month_start(month)
    return f"{start.year + start.month // 12:04d}-{start.month % 12 + 1:02d}"


def months_back(month: str, count: int) -> str:
    """The month `count` months before `month`: where a twelve-month view that ends at `month` starts."""
    start = month_start(month)
    index = start.year * 12 + start.month - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank, as the monitor's step percentiles: the smallest value with `share` at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _rule_tasks(session: Session, task_ids: set[str]) -> set[str]:
    if not task_ids:
        return set()
    rows = session.execute(select(Event.task_id, Event.detail).where(
        Event.kind == "task_completed", Event.actor == "system", Event.task_id.in_(task_ids))).all()
    return {task_id for task_id, detail in rows if (detail or {}).get("rule")}


def _decisions(session: Session, where: Any) -> list[tuple[str, int, str, str, datetime]]:
    """(task id, instance id, process, outcome, completed at) of the decisions `where` selects."""
    return [tuple(row) for row in session.execute(select(
        HumanTask.id, HumanTask.instance_id, HumanTask.process_key, HumanTask.outcome, HumanTask.completed_at)
        .where(HumanTask.status == "completed", HumanTask.outcome.is_not(None), where)).all()]


def _completed(session: Session, since: datetime, until: datetime,
               process: str | None) -> list[tuple[int, str, datetime, datetime]]:
    q = select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.created_at,
               ProcessInstance.ended_at).where(ProcessInstance.status == "completed",
                                               ProcessInstance.ended_at >= since, ProcessInstance.ended_at < until)
    if process:
        q = q.where(ProcessInstance.process_key == process)
    return [tuple(row) for row in session.execute(q).all()]


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def automation_by_month(session: Session, since: datetime, until: datetime,
                        process: str | None = None) -> list[AutomationMonth]:
    """Every month from `since`'s to the one before `until` (naive UTC), months without decisions included."""
    flt = (HumanTask.process_key == process) if process else True
    decided = _decisions(session, (HumanTask.completed_at >= since) & (HumanTask.completed_at < until) & flt)
    by_rule = _rule_tasks(session, {row[0] for row in decided})
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for task_id, _instance, _process, _outcome, at in decided:
        counts[month_of(at)][0] += 1
        counts[month_of(at)][1] += task_id in by_rule
    ended = _completed(session, since, until, process)
    ids = {row[0] for row in ended}
    approvals = _decisions(session, HumanTask.instance_id.in_(ids)) if ids else []
    approved_by_rule = _rule_tasks(session, {row[0] for row in approvals})
    kind: dict[int, str] = {}
    for task_id, instance_id, _process, outcome, _at in approvals:
        if outcome in APPROVED:
            if task_id in approved_by_rule:
                kind[instance_id] = "rule"
            else:
                kind.setdefault(instance_id, "manual")
    cycles: dict[tuple[str, str], list[float]] = defaultdict(list)
    for instance_id, _process, created, ended_at in ended:
        if instance_id in kind:
            cycles[(month_of(ended_at), kind[instance_id])].append((ended_at - created).total_seconds())
    months, month = [], month_of(since)
    while month_start(month) < until:
        rule, manual = cycles.get((month, "rule"), []), cycles.get((month, "manual"), [])
        months.append(AutomationMonth(month, counts[month][0], counts[month][1], len(rule), len(manual),
                                      _median(rule), _median(manual)))
        month = next_month(month)
    return months


def process_month(session: Session, since: datetime, until: datetime) -> list[ProcessMonth]:
    """Per process over [since, until): started, completed, cycle p50/p90, SLA breaches, decisions by rule."""
    started: dict[str, int] = defaultdict(int)
    for (key,) in session.execute(select(ProcessInstance.process_key).where(
            ProcessInstance.created_at >= since, ProcessInstance.created_at < until)).all():
        started[key] += 1
    cycles: dict[str, list[float]] = defaultdict(list)
    for _id, key, created, ended in _completed(session, since, until, None):
        cycles[key].append((ended - created).total_seconds())
    breaches: dict[str, int] = defaultdict(int)
    for key, due, done in session.execute(select(HumanTask.process_key, HumanTask.due_at, HumanTask.completed_at)
                                          .where(HumanTask.status == "completed", HumanTask.due_at.is_not(None),
                                                 HumanTask.completed_at >= since, HumanTask.completed_at < until)):
        breaches[key] += done > due
    decided = _decisions(session, (HumanTask.completed_at >= since) & (HumanTask.completed_at < until))
    by_rule = _rule_tasks(session, {row[0] for row in decided})
    decisions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for task_id, _instance, key, _outcome, _at in decided:
        decisions[key][0] += 1
        decisions[key][1] += task_id in by_rule
    keys = sorted(set(started) | set(cycles) | set(breaches) | set(decisions))
    return [ProcessMonth(key, started[key], len(cycles[key]), percentile(cycles[key], 0.5),
                         percentile(cycles[key], 0.9), breaches[key], *decisions[key]) for key in keys]
