"""Flow timing for managers: waiting per step, cycle times, workload, throughput.

Every figure is one SQL aggregate over the task table or the instance
table, never a scan of workflow state, so the monitor answers in a second
over a million task rows on SQLite as on PostgreSQL.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from . import names
from .models import HumanTask, ProcessDefinition, ProcessInstance

_ACTIVE = ("running", "waiting")


@dataclass(frozen=True)
class StepTiming:
    process: str
    step: str
    completed: int
    open: int
    avg_wait_s: float | None
    max_wait_s: float | None
    overdue: int
    # nearest-rank percentiles of the completed tasks: created → claimed, claimed → completed
    wait_p50_s: float | None = None
    wait_p90_s: float | None = None
    work_p50_s: float | None = None
    work_p90_s: float | None = None
    breached: int = 0  # completed after the due time
    late_working_s: float | None = None  # how late, on average, in working time, of those breached


@dataclass(frozen=True)
class ProcessCycle:
    process: str
    started: int
    completed: int
    active: int
    failed: int
    avg_cycle_s: float | None


@dataclass(frozen=True)
class Workload:
    owner: str
    assigned: bool
    open: int
    overdue: int


@dataclass(frozen=True)
class DayCount:
    day: date
    started: int
    completed: int


@dataclass(frozen=True)
class Report:
    since: datetime
    process: str | None
    steps: list[StepTiming]
    cycles: list[ProcessCycle]
    workload: list[Workload]
    throughput: list[DayCount]
    until: datetime | None = None       # the period's end (exclusive); None: now
    department: str | None = None       # only the instances filed for this department

    @property
    def open_tasks(self) -> int:
        return sum(w.open for w in self.workload)

    @property
    def overdue_tasks(self) -> int:
        return sum(w.overdue for w in self.workload)


def _seconds(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _day(session: Session, column: Any, offset: timedelta | None = None) -> ColumnElement[Any]:
    """The day of a timestamp; on SQLite the text's first ten characters (`YYYY-MM-DD`), cheaper than date().
    With `offset`, the day on a clock that far from UTC (the people's own calendar day)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if offset:
        column = (column + offset if postgres
                  else func.datetime(column, f"{int(offset.total_seconds()):+d} seconds"))
    return cast(column, Date) if postgres else func.substr(column, 1, 10)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def step_timings(session: Session, since: datetime, now: datetime, process: str | None = None,
                 *, with_percentiles: bool = True, instances: Select[Any] | None = None,
                 until: datetime | None = None) -> list[StepTiming]:
    """Per step, for tasks created in the period: done, still open, how long they waited, how many were late;
    with the waiting and working percentiles unless `with_percentiles` is false (the benchmark times them apart).

    `instances` (a select of instance ids) narrows it to those: the versions that gave a renamed step one name,
    a department's requests. `until` ends the period (tasks created before it), else it runs to now."""
    # wait_seconds is set only on completion and completed_at on completion or cancellation, so plain
    # counts and averages replace per-row CASEs: a million rows stay well under a second
    late = and_(HumanTask.due_at < func.coalesce(HumanTask.completed_at, literal(now)),
                HumanTask.status != "cancelled")
    q = (select(HumanTask.process_key, HumanTask.task_name, func.count(HumanTask.wait_seconds),
                func.count() - func.count(HumanTask.completed_at), func.avg(HumanTask.wait_seconds),
                func.max(HumanTask.wait_seconds), _count_if(late))
         .where(HumanTask.created_at >= since)
         .group_by(HumanTask.process_key, HumanTask.task_name))
    if process:
        q = q.where(HumanTask.process_key == process)
    if instances is not None:
        q = q.where(HumanTask.instance_id.in_(instances))
    if until is not None:
        q = q.where(HumanTask.created_at < until)
    spread = (step_percentiles(session, since, process, until=until, instances=instances)
              if with_percentiles else {})
    rows = [StepTiming(p, s, int(c or 0), int(o or 0), _float(a), _float(m), int(late_ or 0),
                       *spread.get((p, s), (None, None, None, None, 0, None)))
            for p, s, c, o, a, m, late_ in session.execute(q)]
    return sorted(rows, key=lambda r: -(r.avg_wait_s or 0))


def _nth(session: Session, column: Any, process: str, step: str, since: datetime, n: int, total: int,
         *, narrower: tuple[ColumnElement[bool], ...] = ()) -> float | None:
    """The n-th smallest value (from 0) of `total`: a walk along the step's index from the nearer end."""
    descending = n > total // 2
    q = (select(column).where(HumanTask.process_key == process, HumanTask.task_name == step,
                              column.is_not(None), _created_since(session, since), *narrower)
         .order_by(column.desc() if descending else column).limit(1).offset(total - 1 - n if descending else n))
    return _float(session.scalar(q))


def _created_since(session: Session, since: datetime) -> ColumnElement[bool]:
    """`created_at >= since`, written on SQLite as `+created_at` so that its planner cannot take an index that
    starts on created_at (with sampled statistics it would, and sort a whole step instead of walking the
    percentile's index); the unary plus changes no value."""
    if session.get_bind().dialect.name != "sqlite":
        return HumanTask.created_at >= since
    return literal_column("+human_tasks.created_at") >= bindparam("created_since", since, type_=DateTime())


def _rank(n: int, q: float) -> int:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    return max(0, math.ceil(q * n) - 1)


def step_percentiles(session: Session, since: datetime, process: str | None = None,
                     *, until: datetime | None = None, instances: Select[Any] | None = None,
                     ) -> dict[tuple[str, str], tuple[Any, ...]]:
    """(process, step) → (wait p50, wait p90, work p50, work p90, breached, average lateness in working time).

    Neither database computes a percentile from an index (SQLite has no percentile at all), so each one
    is the value at its rank, read by walking the step's index to it; the counts come from the same index.
    """
    late = HumanTask.late_working_seconds > 0
    narrower = _narrower(until, instances)
    q = (select(HumanTask.process_key, HumanTask.task_name, func.count(HumanTask.claim_wait_seconds),
                _count_if(late), func.avg(case((late, HumanTask.late_working_seconds))))
         .where(_created_since(session, since), HumanTask.claim_wait_seconds.is_not(None), *narrower)
         .group_by(HumanTask.process_key, HumanTask.task_name))
    if process:
        q = q.where(HumanTask.process_key == process)
    found = {}
    for p, s, n, breached, late_avg in session.execute(q).all():
        figures = [_nth(session, column, p, s, since, _rank(int(n), share), int(n), narrower=narrower)
                   for column in (HumanTask.claim_wait_seconds, HumanTask.work_seconds) for share in (0.5, 0.9)]
        found[(p, s)] = (*figures, int(breached or 0), _float(late_avg))
    return found


def _narrower(until: datetime | None, instances: Select[Any] | None) -> tuple[ColumnElement[bool], ...]:
    """Task conditions for a period that ends before now and for some instances only (a department's)."""
    return ((*(() if until is None else (HumanTask.created_at < until,)),
             *(() if instances is None else (HumanTask.instance_id.in_(instances),))))


def _instance_scope(until: datetime | None, department: str | None) -> list[ColumnElement[bool]]:
    return [*([] if until is None else [ProcessInstance.created_at < until]),
            *([] if department is None else [ProcessInstance.department == department])]


def of_department(department: str | None) -> Select[Any] | None:
    """The ids of the instances filed for `department` (None: no narrowing), for the task figures."""
    return None if department is None else select(ProcessInstance.id).where(ProcessInstance.department == department)


def process_cycles(session: Session, since: datetime, process: str | None = None, *,
                   until: datetime | None = None, department: str | None = None) -> list[ProcessCycle]:
    completed = ProcessInstance.status == "completed"
    cycle = _seconds(session, ProcessInstance.created_at, ProcessInstance.ended_at)
    q = (select(ProcessInstance.process_key, func.count(), _count_if(completed),
                _count_if(ProcessInstance.status.in_(_ACTIVE)), _count_if(ProcessInstance.status == "error"),
                func.avg(case((completed, cycle))))
         .where(ProcessInstance.created_at >= since, *_instance_scope(until, department))
         .group_by(ProcessInstance.process_key)
         .order_by(ProcessInstance.process_key))
    if process:
        q = q.where(ProcessInstance.process_key == process)
    return [ProcessCycle(p, int(n), int(c or 0), int(a or 0), int(f or 0), _float(avg))
            for p, n, c, a, f, avg in session.execute(q)]


def workload(session: Session, now: datetime, process: str | None = None, *,
             department: str | None = None) -> list[Workload]:
    """Open tasks per person (claimed) or per group (unclaimed), the overdue ones counted apart: the work
    held now, whatever the period (of a department's requests only, when one is asked for)."""
    owner = func.coalesce(HumanTask.assignee, HumanTask.candidate_group, "")
    late = and_(HumanTask.due_at.is_not(None), HumanTask.due_at < now)
    q = (select(owner, HumanTask.assignee.is_not(None), func.count(), _count_if(late))
         .where(HumanTask.status == "open").group_by(owner, HumanTask.assignee.is_not(None))
         .order_by(func.count().desc()))
    if process:
        q = q.where(HumanTask.process_key == process)
    if department is not None:
        q = q.where(HumanTask.instance_id.in_(of_department(department)))
    return [Workload(o, bool(a), int(n), int(late_ or 0)) for o, a, n, late_ in session.execute(q)]


def throughput(session: Session, since: datetime, now: datetime, process: str | None = None, *,
               until: datetime | None = None, department: str | None = None,
               offset: timedelta | None = None) -> list[DayCount]:
    """Instances started and completed per day, every day of the period present; days on the clock `offset`
    from UTC when given (so a chosen period's days are the ones people chose), else UTC days."""
    shift = offset or timedelta()
    first, last = since + shift, ((until - timedelta(microseconds=1)) if until is not None else now) + shift
    days = [(first + timedelta(days=i)).date() for i in range((last.date() - first.date()).days + 1)]
    flt = [ProcessInstance.process_key == process] if process else []
    if department is not None:
        flt.append(ProcessInstance.department == department)
    if not days:  # a period that has not begun
        return []
    if session.get_bind().dialect.name == "sqlite":
        started, completed = _counts_per_day(session, days, since, until, shift, process, flt)
    else:
        started_day = _day(session, ProcessInstance.created_at, offset)
        ended_day = _day(session, ProcessInstance.ended_at, offset)
        started = dict(session.execute(select(started_day, func.count()).where(
            ProcessInstance.created_at >= since, *_instance_scope(until, None), *flt).group_by(started_day)).all())
        ended_before = [] if until is None else [ProcessInstance.ended_at < until]
        completed = dict(session.execute(select(ended_day, func.count()).where(
            ProcessInstance.ended_at >= since, *ended_before, ProcessInstance.status == "completed", *flt)
            .group_by(ended_day)).all())
        started, completed = ({_as_date(k): v for k, v in d.items()} for d in (started, completed))
    return [DayCount(d, int(started.get(d, 0)), int(completed.get(d, 0))) for d in days]


def _counts_per_day(session: Session, days: list[date], since: datetime, until: datetime | None, shift: timedelta,
                    process: str | None, flt: list[ColumnElement[bool]]) -> tuple[dict[date, int], dict[date, int]]:
    """SQLite: a count over each day's range of the two covering indexes, one statement.

    Grouping by the day of every row sorted all of a year's instances in a temporary b-tree
    (531 ms for 850k); a range count per day walks the index entries and sorts nothing.
    The started index leads with the process, so without one the count seeks each process.
    """
    def bounds(d: date) -> tuple[datetime, datetime]:
        lo, hi = datetime.combine(d, datetime.min.time()) - shift, datetime.combine(d, datetime.min.time()) \
            + timedelta(days=1) - shift
        return max(lo, since), hi if until is None else min(hi, until)

    day = values(column("i", Integer), column("lo", DateTime), column("hi", DateTime), name="days").data(
        [(i, *bounds(d)) for i, d in enumerate(days)]).cte()
    keys = [] if process else [
        ProcessInstance.process_key.in_(select(ProcessDefinition.key).distinct().scalar_subquery())]
    started = select(func.count()).where(*keys, *flt, ProcessInstance.created_at >= day.c.lo,
                                         ProcessInstance.created_at < day.c.hi).scalar_subquery()
    completed = select(func.count()).where(
        ProcessInstance.status == "completed", ProcessInstance.ended_at >= day.c.lo,
        ProcessInstance.ended_at < day.c.hi, *flt).scalar_subquery()
    rows = session.execute(select(day.c.i, started, completed)).all()
    return ({days[i]: n for i, n, _ in rows}, {days[i]: n for i, _, n in rows})


def report(session: Session, now: datetime, days: int = 30, process: str | None = None, *,
           since: datetime | None = None, until: datetime | None = None, department: str | None = None,
           offset: timedelta | None = None) -> Report:
    """The last `days`, or the period from `since` to `until` (exclusive) someone chose; of one department's
    instances when `department` is given. The workload is the work open now, of that department.
    `offset`: the people's clock's distance from UTC, for the days of the per-day figures."""
    since = since or now - timedelta(days=days)
    instances = of_department(department)
    return Report(since=since, process=process, until=until, department=department,
                  steps=step_timings(session, since, now, process, instances=instances, until=until),
                  cycles=process_cycles(session, since, process, until=until, department=department),
                  workload=workload(session, now, process, department=department),
                  throughput=throughput(session, since, now, process, until=until, department=department,
                                        offset=offset))


def step_names(session: Session, process: str, *, language: str | None = None) -> dict[str, str]:
    """BPMN element id → name in the newest version, so a step reads as the designer named it."""
    xml = session.scalar(select(ProcessDefinition.bpmn_xml).where(ProcessDefinition.key == process)
                         .order_by(ProcessDefinition.version.desc()).limit(1))
    return names.names_in(xml, language) if xml else {}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
