"""Per step, the waiting (created → claimed) and working (claimed → completed) times' p50 and p90, and breaches.

Each percentile is the exact nearest rank. Neither database computes one from an index (SQLite has no
percentile at all), and walking a year of a step's index to the rank took most of a second. So the sealed
days' histograms (`engine/rollups.py`, summed by the database from their JSON) and the live rows' name the
narrow value range that holds the rank and how many values lie below it; the value is then read from the
step's index within that range: a short walk, however long the period.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from . import rollups
from .models import HumanTask
from .rollups import OpenTask, TaskDay

Step = tuple[str, str]
LIVE_DAYS = 3


def step_percentiles(session: Session, since: datetime, process: str | None = None,
                     *, until: datetime | None = None, instances: Select[Any] | None = None,
                     department: str | None = None, versions: Sequence[int] | None = None,
                     now: datetime | None = None) -> dict[Step, tuple[Any, ...]]:
    """(process, step) → (wait p50, wait p90, work p50, work p90, breached, average lateness in working time),
    over the tasks created in [since, until) (to now without `until`), narrowed as `analytics.step_timings`.

    Without roll-ups for the period (none sealed yet, any other narrowing by `instances`), or with more than
    `LIVE_DAYS` of it still live (a scheduler catching up), reading every live row would cost more than
    walking the step's index to each rank from the nearer end, as `_walked` does."""
    plan = rollups.plan(session, since, until, usable=instances is None)
    scope = rollups.task_scope(process, instances, department, versions)
    narrower = (_created_since(session, since), *([] if until is None else [HumanTask.created_at < until]), *scope)
    if plan.sealed is None or (now is not None and _live_days(plan, now) > LIVE_DAYS):
        return _walked(session, narrower)
    counts: dict[Step, list[Any]] = {}
    claim: dict[Step, Counter[int]] = {}
    work: dict[Step, Counter[int]] = {}
    live = select(HumanTask.process_key, HumanTask.task_name, HumanTask.claim_wait_seconds, HumanTask.work_seconds,
                  HumanTask.late_working_seconds).where(
        or_(HumanTask.claim_wait_seconds.is_not(None), HumanTask.work_seconds.is_not(None)), *scope)
    for part in rollups.live_parts(session, plan, live, HumanTask.created_at, OpenTask.__table__, HumanTask.id):
        for p, s, wait, worked, late in session.execute(part):
            f = counts.setdefault((p, s), [0, 0, 0.0])
            if wait is not None:
                f[0] += 1
                claim.setdefault((p, s), Counter())[rollups.bucket(wait)] += 1
                if late is not None and late > 0:
                    f[1], f[2] = f[1] + 1, f[2] + late
            if worked is not None:
                work.setdefault((p, s), Counter())[rollups.bucket(worked)] += 1
    if plan.sealed is not None:
        days = rollups.task_days(process, department, versions, plan.sealed)
        for p, s, n, breached, late_sum in session.execute(
                select(TaskDay.process_key, TaskDay.task_name, func.sum(TaskDay.claimed), func.sum(TaskDay.breached),
                       func.sum(TaskDay.late_sum)).where(*days).group_by(TaskDay.process_key, TaskDay.task_name)):
            f = counts.setdefault((p, s), [0, 0, 0.0])
            f[0], f[1], f[2] = f[0] + int(n or 0), f[1] + int(breached or 0), f[2] + float(late_sum or 0)
        _add_histograms(session, TaskDay.claim_hist, days, claim)
        _add_histograms(session, TaskDay.work_hist, days, work)
    return {(p, s): (*(_nth(session, column, p, s, hist.get((p, s), Counter()), _rank(n, share), narrower)
                       for column, hist in ((HumanTask.claim_wait_seconds, claim), (HumanTask.work_seconds, work))
                       for share in (0.5, 0.9)),
                     breached, late_sum / breached if breached else None)
            for (p, s), (n, breached, late_sum) in counts.items() if n}


def _add_histograms(session: Session, column: Any, days: list[ColumnElement[bool]],
                    into: dict[Step, Counter[int]]) -> None:
    """Sum the day rows' histograms per step and range in the database (its JSON reading is C, a few thousand
    rows of a year in milliseconds), and add them to `into`."""
    if session.get_bind().dialect.name == "postgresql":
        each = func.json_each_text(cast(column, JSON)).table_valued("key", "value")
        count = cast(each.c.value, Integer)
    else:
        each = func.json_each(column).table_valued("key", "value")
        count = each.c.value
    q = (select(TaskDay.process_key, TaskDay.task_name, each.c.key, func.sum(count))
         .select_from(TaskDay.__table__.join(each, true()))
         .where(*days).group_by(TaskDay.process_key, TaskDay.task_name, each.c.key))
    for p, s, index, n in session.execute(q):
        into.setdefault((p, s), Counter())[int(index)] += int(n)


def _rank(n: int, q: float) -> int:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    return max(0, math.ceil(q * n) - 1)


def _created_since(session: Session, since: datetime) -> ColumnElement[bool]:
    """`created_at >= since`, written on SQLite as `+created_at` so that its planner cannot take an index that
    starts on created_at (with sampled statistics it would, and sort a whole step instead of walking the
    percentile's index); the unary plus changes no value."""
    if session.get_bind().dialect.name != "sqlite":
        return HumanTask.created_at >= since
    return literal_column("+human_tasks.created_at") >= bindparam("created_since", since, type_=DateTime())


def _nth(session: Session, column: Any, process: str, step: str, hist: Counter[int], n: int,
         narrower: tuple[ColumnElement[bool], ...]) -> float | None:
    """The n-th smallest value (from 0): the histogram gives its range and how many lie below, a walk along the
    step's index within the range gives the value."""
    below = 0
    for index in sorted(hist):
        if below + hist[index] > n:
            break
        below += hist[index]
    else:
        return None
    if index == rollups.ZERO:
        return 0.0
    low, high, low_open = rollups.value_range(index)
    bounds = [*([] if low is None else [column > low if low_open else column >= low]),
              *([] if high is None else [column < high])]
    q = (select(column).where(HumanTask.process_key == process, HumanTask.task_name == step, *bounds, *narrower)
         .order_by(column).limit(1).offset(n - below))
    found = session.scalar(q)
    return None if found is None else float(found)


def _live_days(plan: rollups.Plan, now: datetime) -> float:
    return sum(((b or now) - a).total_seconds() for a, b in plan.live) / 86400


def _walked(session: Session, narrower: tuple[ColumnElement[bool], ...]) -> dict[Step, tuple[Any, ...]]:
    """The figures from the task table alone: the counts in one aggregate, each percentile by walking the
    step's index to its rank from the nearer end (exact, but its cost grows with the period)."""
    late = HumanTask.late_working_seconds > 0
    q = (select(HumanTask.process_key, HumanTask.task_name, func.count(HumanTask.claim_wait_seconds),
                func.sum(case((late, 1), else_=0)), func.avg(case((late, HumanTask.late_working_seconds))))
         .where(HumanTask.claim_wait_seconds.is_not(None), *narrower)
         .group_by(HumanTask.process_key, HumanTask.task_name))
    found = {}
    for p, s, n, breached, late_avg in session.execute(q).all():
        figures = [_walk(session, column, p, s, _rank(int(n), share), int(n), narrower)
                   for column in (HumanTask.claim_wait_seconds, HumanTask.work_seconds) for share in (0.5, 0.9)]
        found[(p, s)] = (*figures, int(breached or 0), None if late_avg is None else float(late_avg))
    return found


def _walk(session: Session, column: Any, process: str, step: str, n: int, total: int,
          narrower: tuple[ColumnElement[bool], ...]) -> float | None:
    """The n-th smallest value (from 0) of `total`: a walk along the step's index from the nearer end."""
    descending = n > total // 2
    q = (select(column).where(HumanTask.process_key == process, HumanTask.task_name == step,
                              column.is_not(None), *narrower)
         .order_by(column.desc() if descending else column).limit(1).offset(total - 1 - n if descending else n))
    found = session.scalar(q)
    return None if found is None else float(found)
