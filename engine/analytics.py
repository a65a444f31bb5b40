"""Flow timing for managers: waiting per step, cycle times, workload, throughput.

Every figure is SQL over the task table or the instance table, never a scan
of workflow state; the step and cycle figures add the sealed days' daily
roll-ups (`engine/rollups.py`) to the few rows still moving, so the monitor
answers within half a second over a million task rows on SQLite as on
PostgreSQL, whatever the period.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    select,
    values,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from . import names, rollups
from .models import HumanTask, ProcessDefinition, ProcessInstance
from .rollups import InstanceDay, OpenInstance, OpenTask, TaskDay
from .step_spread import step_percentiles

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
                 until: datetime | None = None, department: str | None = None,
                 versions: Sequence[int] | None = None) -> list[StepTiming]:
    """Per step, for tasks created in the period: done, still open, how long they waited, how many were late;
    with the waiting and working percentiles unless `with_percentiles` is false (the benchmark times them apart).

    `department` and `versions` (definition ids) narrow it to those instances: a department's requests, the
    versions that gave a renamed step one name; `instances` (any select of instance ids) too, read without
    the roll-ups. `until` ends the period (tasks created before it), else it runs to now. The sealed days come
    from the daily roll-ups (`engine/rollups.py`), the rest from the task table."""
    plan = rollups.plan(session, since, until, usable=instances is None)
    # wait_seconds is set only on completion and completed_at on completion or cancellation, so plain
    # counts and sums replace per-row CASEs
    late = and_(HumanTask.due_at < func.coalesce(HumanTask.completed_at, literal(now)),
                HumanTask.status != "cancelled")
    live = (select(HumanTask.process_key, HumanTask.task_name, func.count(HumanTask.wait_seconds),
                   func.count() - func.count(HumanTask.completed_at), func.sum(HumanTask.wait_seconds),
                   func.max(HumanTask.wait_seconds), _count_if(late))
            .where(*rollups.task_scope(process, instances, department, versions))
            .group_by(HumanTask.process_key, HumanTask.task_name))
    parts = rollups.live_parts(session, plan, live, HumanTask.created_at, OpenTask.__table__, HumanTask.id)
    if plan.sealed is not None:
        parts.append(select(TaskDay.process_key, TaskDay.task_name, func.sum(TaskDay.completed), literal(0),
                            func.sum(TaskDay.wait_sum), func.max(TaskDay.wait_max), func.sum(TaskDay.late))
                     .where(*rollups.task_days(process, department, versions, plan.sealed))
                     .group_by(TaskDay.process_key, TaskDay.task_name))
    found: dict[tuple[str, str], list[Any]] = {}
    for part in parts:
        for p, s, c, o, total, m, late_ in session.execute(part):
            f = found.setdefault((p, s), [0, 0, 0.0, None, 0])
            f[0], f[1], f[2], f[4] = f[0] + int(c or 0), f[1] + int(o or 0), f[2] + float(total or 0), \
                f[4] + int(late_ or 0)
            f[3] = _float(m) if f[3] is None else f[3] if m is None else max(f[3], float(m))
    spread = (step_percentiles(session, since, process, until=until, instances=instances, department=department,
                               versions=versions, now=now) if with_percentiles else {})
    rows = [StepTiming(p, s, c, o, total / c if c else None, _float(m), late_,
                       *spread.get((p, s), (None, None, None, None, 0, None)))
            for (p, s), (c, o, total, m, late_) in found.items()]
    return sorted(rows, key=lambda r: -(r.avg_wait_s or 0))


def _instance_scope(until: datetime | None, department: str | None) -> list[ColumnElement[bool]]:
    return [*([] if until is None else [ProcessInstance.created_at < until]),
            *([] if department is None else [ProcessInstance.department == department])]


def of_department(department: str | None) -> Select[Any] | None:
    """The ids of the instances filed for `department` (None: no narrowing), for the task figures."""
    return None if department is None else select(ProcessInstance.id).where(ProcessInstance.department == department)


def process_cycles(session: Session, since: datetime, process: str | None = None, *,
                   until: datetime | None = None, department: str | None = None) -> list[ProcessCycle]:
    """Per process, the instances started in the period: how many, completed, active, failed, the average
    cycle of the completed; the sealed days from the roll-ups, the rest from the instance table."""
    plan = rollups.plan(session, since, until)
    completed = ProcessInstance.status == "completed"
    cycle = case((completed, _seconds(session, ProcessInstance.created_at, ProcessInstance.ended_at)))
    keys = ([ProcessInstance.process_key == process] if process else
            [ProcessInstance.process_key.in_(select(ProcessDefinition.key).distinct().scalar_subquery())])
    live = (select(ProcessInstance.process_key, func.count(), _count_if(completed),
                   _count_if(ProcessInstance.status.in_(_ACTIVE)), _count_if(ProcessInstance.status == "error"),
                   func.sum(cycle), func.count(cycle))
            .where(*keys, *_instance_scope(None, department)).group_by(ProcessInstance.process_key))
    parts = rollups.live_parts(session, plan, live, ProcessInstance.created_at, OpenInstance.__table__,
                               ProcessInstance.id)
    if plan.sealed is not None:
        parts.append(select(InstanceDay.process_key, func.sum(InstanceDay.final), func.sum(InstanceDay.completed),
                            literal(0), literal(0), func.sum(InstanceDay.cycle_sum), func.sum(InstanceDay.cycled))
                     .where(rollups.spans(InstanceDay, plan.sealed),
                            *([] if process is None else [InstanceDay.process_key == process]),
                            *([] if department is None else
                              [InstanceDay.department == rollups.department_key(department)]))
                     .group_by(InstanceDay.process_key))
    found: dict[str, list[Any]] = {}
    for part in parts:
        for p, *figures in session.execute(part):
            f = found.setdefault(p, [0, 0, 0, 0, 0.0, 0])
            for i, v in enumerate(figures):
                f[i] += float(v or 0) if i == 4 else int(v or 0)  # PostgreSQL's sums are Decimals
    return [ProcessCycle(p, int(n), int(c), int(a), int(e), float(total) / cycled if cycled else None)
            for p, (n, c, a, e, total, cycled) in sorted(found.items())]


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
    return Report(since=since, process=process, until=until, department=department,
                  steps=step_timings(session, since, now, process, department=department, until=until),
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
