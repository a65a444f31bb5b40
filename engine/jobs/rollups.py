"""The scheduler's daily roll-up of finished tasks and instances (what they hold: `engine/rollups.py`).

Each run, in one write transaction: the tasks and instances listed open that have ended since are folded into
their day and struck from the lists, then every whole UTC day from `sealed_until` to the day of `now - LAG` is
sealed (its final rows summed, the rest listed open) and `sealed_until` moves on. The state row is taken
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so of several schedulers one does the run and the others skip it;
SQLite's write transaction (BEGIN IMMEDIATE) already admits one at a time. A day is sealed only `LAG` after it
ended, so a step still committing at midnight is in its day's rows, not lost between the live and sealed parts.
Nothing here runs on the step path: steps write their rows as before, the roll-up reads them later.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..database import write_sessions
from ..models import HumanTask, ProcessInstance
from ..rollups import (
    DAY,
    MONTH,
    STATE,
    InstanceDay,
    OpenInstance,
    OpenTask,
    RollupState,
    TaskDay,
    as_text,
    bucket,
    department_key,
    histogram,
)

LAG = timedelta(hours=1)
# days sealed by one run at most: the first run on a year of history would otherwise hold SQLite's write lock
# for a minute; the days not sealed yet are read live meanwhile, so the figures are right all along
SEAL_DAYS = 7
FINAL_TASK = ("completed", "cancelled")
FINAL_INSTANCE = ("completed", "cancelled")
TaskKey = tuple[date, str, str, int, str]      # day, process, step, version, department
InstanceKey = tuple[date, str, str]            # day, process, department


@dataclass
class TaskSums:
    final: int = 0
    completed: int = 0
    wait_sum: float = 0.0
    wait_max: float | None = None
    late: int = 0
    claimed: int = 0
    breached: int = 0
    late_sum: float = 0.0
    claim: Counter[int] = field(default_factory=Counter)
    work: Counter[int] = field(default_factory=Counter)

    def add(self, other: TaskSums) -> TaskSums:
        for f in _TASK_FIGURES:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        if other.wait_max is not None:
            self.wait_max = other.wait_max if self.wait_max is None else max(self.wait_max, other.wait_max)
        self.claim.update(other.claim)
        self.work.update(other.work)
        return self


@dataclass
class InstanceSums:
    final: int = 0
    completed: int = 0
    cycled: int = 0
    cycle_sum: float = 0.0

    def add(self, other: InstanceSums) -> InstanceSums:
        for f in _INSTANCE_FIGURES:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        return self


_TASK_FIGURES = ("final", "completed", "wait_sum", "late", "claimed", "breached", "late_sum")
_INSTANCE_FIGURES = ("final", "completed", "cycled", "cycle_sum")


@dataclass
class Sums:
    """What a run adds to the roll-ups, per key, and the rows of a sealed day still moving."""

    tasks: dict[TaskKey, TaskSums] = field(default_factory=dict)
    instances: dict[InstanceKey, InstanceSums] = field(default_factory=dict)
    open_tasks: list[str] = field(default_factory=list)
    open_instances: list[int] = field(default_factory=list)

    def add_task(self, row: Any) -> None:
        """`row`: created_at, process_key, task_name, definition_id, department, status, due_at, completed_at,
        wait_seconds, claim_wait_seconds, work_seconds, late_working_seconds (a final task)."""
        (created, process, step, version, department, status, due, completed_at, wait, claim, work, late) = row
        s = self.tasks.setdefault((created.date(), process, step, version, department_key(department)), TaskSums())
        s.final += 1
        if wait is not None:
            s.completed += 1
            s.wait_sum += wait
            s.wait_max = wait if s.wait_max is None else max(s.wait_max, wait)
        if due is not None and completed_at is not None and due < completed_at and status != "cancelled":
            s.late += 1
        if claim is not None:
            s.claimed += 1
            s.claim[bucket(claim)] += 1
            if late is not None and late > 0:
                s.breached += 1
                s.late_sum += late
        if work is not None:
            s.work[bucket(work)] += 1

    def add_instance(self, row: Any) -> None:
        """`row`: created_at, process_key, department, status, ended_at (a final instance)."""
        created, process, department, status, ended = row
        s = self.instances.setdefault((created.date(), process, department_key(department)), InstanceSums())
        s.final += 1
        if status == "completed":
            s.completed += 1
            if ended is not None:
                s.cycled += 1
                s.cycle_sum += (ended - created).total_seconds()


_TASK_COLUMNS = (HumanTask.created_at, HumanTask.process_key, HumanTask.task_name, ProcessInstance.definition_id,
                 ProcessInstance.department, HumanTask.status, HumanTask.due_at, HumanTask.completed_at,
                 HumanTask.wait_seconds, HumanTask.claim_wait_seconds, HumanTask.work_seconds,
                 HumanTask.late_working_seconds)
_INSTANCE_COLUMNS = (ProcessInstance.created_at, ProcessInstance.process_key, ProcessInstance.department,
                     ProcessInstance.status, ProcessInstance.ended_at)


def roll_up(db: Engine, now: datetime, max_days: int = SEAL_DAYS) -> int:
    """One run of the roll-up; returns the days sealed (`max_days` at most) and the open rows folded (0 when
    another scheduler holds the roll-up, or nothing ended)."""
    with write_sessions(db)() as session, session.begin():
        state = _take_state(session)
        if state is None:
            return 0
        sums = Sums()
        folded = _fold_open(session, sums)
        target = datetime.combine((now - LAG).date(), time())
        start = state.sealed_until or _first_day(session, target)
        target = min(target, max(start, start + timedelta(days=max_days)))
        sealed = 0
        if start < target:
            _seal(session, start, target, sums)
            sealed = (target - start).days
        state.sealed_until = max(start, target)
        merge(session, sums)
        return sealed + folded


def rebuild(db: Engine, now: datetime) -> int:
    """Forget the roll-ups and seal every day again: after rows were written into days already sealed."""
    with write_sessions(db)() as session, session.begin():
        if _take_state(session, wait=True) is None:
            return 0
        for table in (TaskDay, InstanceDay, OpenTask, OpenInstance):
            session.execute(delete(table))
        session.execute(RollupState.__table__.update().where(RollupState.name == STATE).values(sealed_until=None))
    return roll_up(db, now, max_days=100_000)


class PastRows:
    """For a writer of past history (seed-history): the final rows it writes into days the roll-ups had sealed
    when it began are summed here and added at `commit`, so the monitor is right at once; the rows of later
    days are sealed by the scheduler's scan in their turn (never both)."""

    def __init__(self, db: Engine, now: datetime) -> None:
        roll_up(db, now)  # makes the state on a new database, and seals what is there
        with db.connect() as conn:
            sealed = conn.scalar(select(RollupState.sealed_until).where(RollupState.name == STATE))
        self.db, self.sealed, self.sums = db, sealed or datetime.combine((now - LAG).date(), time()), Sums()

    def add_task(self, row: Any) -> None:
        """`row` as `Sums.add_task` takes it."""
        if row[0] < self.sealed:
            self.sums.add_task(row)

    def add_instance(self, row: Any) -> None:
        """`row` as `Sums.add_instance` takes it."""
        if row[0] < self.sealed:
            self.sums.add_instance(row)

    def commit(self) -> None:
        with write_sessions(self.db)() as session, session.begin():
            _take_state(session, wait=True)
            merge(session, self.sums)
        self.sums = Sums()


def _take_state(session: Session, *, wait: bool = False) -> RollupState | None:
    """The state row, locked for this transaction; None when another scheduler has it (PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RollupState)
    session.execute(ins.values(name=STATE, sealed_until=None).on_conflict_do_nothing())
    q = select(RollupState).where(RollupState.name == STATE)
    if dialect == "postgresql":
        q = q.with_for_update(skip_locked=not wait)
    return session.scalar(q.execution_options(populate_existing=True))


def _first_day(session: Session, target: datetime) -> datetime:
    first = session.scalar(select(func.min(ProcessInstance.created_at)))
    return target if first is None else min(target, datetime.combine(first.date(), time()))


def _fold_open(session: Session, sums: Sums) -> int:
    ended_tasks = session.execute(
        select(HumanTask.id, *_TASK_COLUMNS).join(OpenTask, OpenTask.task_id == HumanTask.id)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.status.in_(FINAL_TASK), ProcessInstance.status.in_(FINAL_INSTANCE))).all()
    ended_instances = session.execute(
        select(ProcessInstance.id, *_INSTANCE_COLUMNS).join(OpenInstance, OpenInstance.instance_id ==
                                                            ProcessInstance.id)
        .where(ProcessInstance.status.in_(FINAL_INSTANCE))).all()
    for row in ended_tasks:
        sums.add_task(row[1:])
    for row in ended_instances:
        sums.add_instance(row[1:])
    if ended_tasks:
        session.execute(delete(OpenTask).where(OpenTask.task_id.in_([r[0] for r in ended_tasks])))
    if ended_instances:
        session.execute(delete(OpenInstance).where(OpenInstance.instance_id.in_([r[0] for r in ended_instances])))
    return len(ended_tasks) + len(ended_instances)


def _seal(session: Session, start: datetime, end: datetime, sums: Sums) -> None:
    """Sum the final tasks and instances created in [start, end), list the others as open. A task counts as
    final once its instance is too: a running instance may still move to another version (a migration), and
    its tasks' version is the instance's."""
    tasks = (select(HumanTask.id, ProcessInstance.status.label("instance_status"), *_TASK_COLUMNS)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .where(HumanTask.created_at >= start, HumanTask.created_at < end))
    for row in session.execute(tasks):
        if row.status in FINAL_TASK and row.instance_status in FINAL_INSTANCE:
            sums.add_task(row[2:])
        else:
            sums.open_tasks.append(row[0])
    instances = select(ProcessInstance.id, *_INSTANCE_COLUMNS).where(ProcessInstance.created_at >= start,
                                                                     ProcessInstance.created_at < end)
    for row in session.execute(instances):
        if row.status in FINAL_INSTANCE:
            sums.add_instance(row[1:])
        else:
            sums.open_instances.append(row[0])


def merge(session: Session, sums: Sums) -> None:
    """Add `sums` to the day rows (read, added to, written back; new keys inserted) and list the open rows."""
    _merge_tasks(session, sums.tasks)
    _merge_instances(session, sums.instances)
    if sums.open_tasks:
        session.execute(insert(OpenTask), [{"task_id": i} for i in sums.open_tasks])
    if sums.open_instances:
        session.execute(insert(OpenInstance), [{"instance_id": i} for i in sums.open_instances])


def _with_months(sums: dict[Any, Any], empty: Any) -> dict[tuple[Any, ...], Any]:
    """Each day's sums under (DAY, day, ...) and added up under (MONTH, first of the month, ...)."""
    found: dict[tuple[Any, ...], Any] = {}
    for (day, *rest), s in sums.items():
        found[(DAY, day, *rest)] = s
        found.setdefault((MONTH, day.replace(day=1), *rest), empty()).add(s)
    return found


def _merge_tasks(session: Session, sums: dict[TaskKey, TaskSums]) -> None:
    if not sums:
        return
    days = [k[0] for k in sums]
    have = {(r.span, r.day, r.process_key, r.task_name, r.definition_id, r.department): r for r in session.scalars(
        select(TaskDay).where(TaskDay.day >= min(days).replace(day=1), TaskDay.day <= max(days),
                              TaskDay.process_key.in_({k[1] for k in sums})))}
    new = []
    for key, s in _with_months(sums, TaskSums).items():
        row = have.get(key)
        if row is None:
            new.append({"span": key[0], "day": key[1], "process_key": key[2], "task_name": key[3],
                        "definition_id": key[4], "department": key[5], **{f: getattr(s, f) for f in _TASK_FIGURES},
                        "wait_max": s.wait_max, "claim_hist": as_text(s.claim), "work_hist": as_text(s.work)})
            continue
        for f in _TASK_FIGURES:
            setattr(row, f, getattr(row, f) + getattr(s, f))
        row.wait_max = s.wait_max if row.wait_max is None else max(row.wait_max, s.wait_max or row.wait_max)
        row.claim_hist = as_text(Counter(histogram(row.claim_hist)) + s.claim)
        row.work_hist = as_text(Counter(histogram(row.work_hist)) + s.work)
    if new:
        session.execute(insert(TaskDay), new)


def _merge_instances(session: Session, sums: dict[InstanceKey, InstanceSums]) -> None:
    if not sums:
        return
    days = [k[0] for k in sums]
    have = {(r.span, r.day, r.process_key, r.department): r for r in session.scalars(
        select(InstanceDay).where(InstanceDay.day >= min(days).replace(day=1), InstanceDay.day <= max(days),
                                  InstanceDay.process_key.in_({k[1] for k in sums})))}
    new = []
    for key, s in _with_months(sums, InstanceSums).items():
        row = have.get(key)
        if row is None:
            new.append({"span": key[0], "day": key[1], "process_key": key[2], "department": key[3],
                        **{f: getattr(s, f) for f in _INSTANCE_FIGURES}})
            continue
        for f in _INSTANCE_FIGURES:
            setattr(row, f, getattr(row, f) + getattr(s, f))
    if new:
        session.execute(insert(InstanceDay), new)
