"""Daily roll-ups of the finished history, so the monitor's step and cycle figures need not read a year of rows.

An instance is final once completed or cancelled, and its tasks are then (not before: a running instance
may move to another version, and a task's version and department are its instance's); their figures never
change again. The scheduler's roll-up (`engine/jobs/rollups.py`) seals whole UTC days, oldest first, up to
`sealed_until`: the final tasks created on a sealed day are summed into one `task_days` row per day,
process, step, version and department (counts, sums, the largest wait, and histograms of the waiting and
working times), and into the row of its month; the final instances into `instance_days`. The tasks and
instances of a sealed day still moving are listed in `rollup_open_tasks` / `rollup_open_instances` and
folded into their day when they end. A figure over a period is then the sum of the sealed months and days
wholly inside it, plus three small sets read live from the tables: the period's partial first and last
days (a reader's calendar day starts at any hour of UTC), the days after `sealed_until` (today), and the
listed open ones whose day is sealed.

The histogram only guides the percentiles: it tells which of its narrow value ranges holds the wanted rank
and how many values lie below it, and the value itself is read from the task table's index in that range,
so every percentile stays the exact nearest rank. Rows are written with the engine's clock, which does not
go back; a writer of past rows adds them itself (seed-history: `jobs.rollups.PastRows`), or `rebuild`.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    Select,
    String,
    Text,
    and_,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import ColumnElement

from .models import Base, HumanTask, ProcessInstance

STATE = "daily"
DAY, MONTH = "day", "month"  # a row of one day, or of a month's days (read where the period holds it whole)
NO_DEPARTMENT = ""  # department of an instance filed without one: a key column cannot hold NULL uniquely
# value ranges of the histograms: below 0, exactly 0 (a step done by rule has no working time), (0, 1 s),
# then four per doubling from 1 s (each 19% wider than the last) up to 2^32 s, and above
BOUNDS = tuple(2.0 ** (i / 4) for i in range(129))
ZERO = 1


class RollupState(Base):
    """How far the roll-ups reach: every UTC day before `sealed_until` is summed (None: nothing yet)."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    sealed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class TaskDay(Base):
    """The final tasks created on one UTC day, of one step, version and department."""

    __tablename__ = "task_days"
    __table_args__ = (Index("ux_task_days_key", "process_key", "span", "day", "task_name", "definition_id",
                            "department", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[str] = mapped_column(String(5))         # DAY, or MONTH: the sum of its days, `day` its first
    day: Mapped[date] = mapped_column(Date)
    process_key: Mapped[str] = mapped_column(String(200))
    task_name: Mapped[str] = mapped_column(String(200))
    definition_id: Mapped[int] = mapped_column(Integer)
    department: Mapped[str] = mapped_column(String(100))
    final: Mapped[int] = mapped_column(Integer)          # completed or cancelled
    completed: Mapped[int] = mapped_column(Integer)      # with a wait (completed, not cancelled)
    wait_sum: Mapped[float] = mapped_column(Float)
    wait_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    late: Mapped[int] = mapped_column(Integer)           # completed after the due time
    claimed: Mapped[int] = mapped_column(Integer)        # with a claim wait: the percentiles' count
    breached: Mapped[int] = mapped_column(Integer)       # late in working time
    late_sum: Mapped[float] = mapped_column(Float)       # working seconds late, of the breached
    claim_hist: Mapped[str] = mapped_column(Text)        # JSON {range: count} of claim_wait_seconds
    work_hist: Mapped[str] = mapped_column(Text)         # JSON {range: count} of work_seconds


class InstanceDay(Base):
    """The final instances started on one UTC day, of one process and department."""

    __tablename__ = "instance_days"
    __table_args__ = (Index("ux_instance_days_key", "process_key", "span", "day", "department", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[str] = mapped_column(String(5))         # DAY, or MONTH: the sum of its days, `day` its first
    day: Mapped[date] = mapped_column(Date)
    process_key: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(100))
    final: Mapped[int] = mapped_column(Integer)          # completed or cancelled
    completed: Mapped[int] = mapped_column(Integer)
    cycled: Mapped[int] = mapped_column(Integer)         # completed with an end time
    cycle_sum: Mapped[float] = mapped_column(Float)      # seconds from start to end, of the completed


class OpenTask(Base):
    """A task of a sealed day not final when its day was sealed: read live until it ends."""

    __tablename__ = "rollup_open_tasks"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class OpenInstance(Base):
    """An instance of a sealed day not final when its day was sealed: read live until it ends."""

    __tablename__ = "rollup_open_instances"

    instance_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


def bucket(value: float) -> int:
    """The histogram range of a value; `value_range` gives its bounds (the same floats, so SQL agrees)."""
    if value < 0:
        return 0
    if value == 0:
        return ZERO
    if value < 1:
        return 2
    return 3 + bisect_right(BOUNDS, value) - 1


def value_range(index: int) -> tuple[float | None, float | None, bool]:
    """(low, high, low is exclusive) of a range; None where it is open."""
    if index == 0:
        return None, 0.0, False
    if index == 2:
        return 0.0, 1.0, True
    j = index - 3
    return BOUNDS[j], BOUNDS[j + 1] if j + 1 < len(BOUNDS) else None, False


def histogram(text: str) -> dict[int, int]:
    return {int(k): v for k, v in json.loads(text).items()}


def as_text(counts: Counter[int]) -> str:
    return json.dumps({str(k): v for k, v in sorted(counts.items()) if v}, separators=(",", ":"))


@dataclass(frozen=True)
class Plan:
    """How a period is read: `sealed` the whole days summed from the roll-ups ([low, high) or None), `live` the
    created-time windows read from the tables ([low, high), high None: to now)."""

    sealed: tuple[datetime, datetime] | None
    live: tuple[tuple[datetime, datetime | None], ...]


def sealed_until(session: Session) -> datetime | None:
    return session.scalar(select(RollupState.sealed_until).where(RollupState.name == STATE))


def plan(session: Session, since: datetime, until: datetime | None, *, usable: bool = True) -> Plan:
    """Split [since, until) into the sealed whole days and the rest; `usable` false: all of it live."""
    sealed = sealed_until(session) if usable else None
    if sealed is None:
        return Plan(None, ((since, until),))
    low = datetime.combine(since.date(), time()) + (timedelta(days=1) if since.time() != time() else timedelta())
    high = min(sealed, datetime.combine(until.date(), time())) if until is not None else sealed
    if low >= high:
        return Plan(None, ((since, until),))
    live = tuple((a, b) for a, b in ((since, low), (high, until)) if b is None or a < b)
    return Plan((low, high), live)


def department_key(department: str | None) -> str:
    return NO_DEPARTMENT if department is None else department


def task_scope(process: str | None, instances: Select[Any] | None, department: str | None,
                versions: Sequence[int] | None) -> list[ColumnElement[bool]]:
    """The task conditions of a process, of some instances (any select of ids), a department, some versions."""
    found = [] if process is None else [HumanTask.process_key == process]
    if instances is not None:
        found.append(HumanTask.instance_id.in_(instances))
    if department is not None or versions is not None:
        of = select(ProcessInstance.id)
        if department is not None:
            of = of.where(ProcessInstance.department == department)
        if versions is not None:
            of = of.where(ProcessInstance.definition_id.in_(versions))
        found.append(HumanTask.instance_id.in_(of))
    return found


def task_days(process: str | None, department: str | None, versions: Sequence[int] | None,
               window: tuple[datetime, datetime]) -> list[ColumnElement[bool]]:
    """The roll-up rows of the sealed days of a period, of the process, department and versions asked for."""
    found = [spans(TaskDay, window)]
    if process is not None:
        found.append(TaskDay.process_key == process)
    if department is not None:
        found.append(TaskDay.department == department_key(department))
    if versions is not None:
        found.append(TaskDay.definition_id.in_(versions))
    return found


def spans(table: Any, window: tuple[datetime, datetime]) -> ColumnElement[bool]:
    """The rows that sum the days of `window` once: its whole months' rows and the other days' own rows."""
    low, high = window[0].date(), window[1].date()
    first = low if low.day == 1 else (low.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = high.replace(day=1)
    if first >= last:
        return and_(table.span == DAY, table.day >= low, table.day < high)
    return or_(and_(table.span == MONTH, table.day >= first, table.day < last),
               and_(table.span == DAY, or_(and_(table.day >= low, table.day < first),
                                           and_(table.day >= last, table.day < high))))


def live_parts(session: Session, plan: Plan, query: Select[Any], created: Any, open_rows: Any,
                open_key: Any) -> list[Select[Any]]:
    """`query` over each live window of the plan, and over the rows listed open in its sealed days: those are
    found from the list, by id (on SQLite the creation time is written `+created_at`, so that its planner
    cannot walk a year of an index on it instead)."""
    parts = [query.where(created >= a, *([] if b is None else [created < b])) for a, b in plan.live]
    if plan.sealed is not None:
        if session.get_bind().dialect.name == "sqlite":
            created = literal_column(f"+{created.table.name}.{created.name}", DateTime())
        parts.append(query.where(open_key.in_(select(open_rows.c[0])), created >= plan.sealed[0],
                                 created < plan.sealed[1]))
    return parts


__all__ = ["BOUNDS", "Plan", "InstanceDay", "OpenInstance", "OpenTask", "RollupState", "TaskDay", "as_text",
           "bucket", "histogram", "live_parts", "plan", "sealed_until", "task_days", "task_scope", "value_range"]
