"""The instances behind a monitor figure: a click on a count or a step's wait lists exactly what it counted.

Each kind repeats the condition its figure is computed with in `analytics`, over the same period and
department, so the list's total is the figure: "started" (instances created in the period), "completed"
(of those, the completed ones, as the cycle table and the KPI count them), "ended" (instances completed in
the period, whenever they began: a day's "completed" on the per-day chart), "step" (the tasks of a step
created in the period and not cancelled: the step row's completed plus open) and "open" (the tasks open now,
whatever the period, as the workload counts them: of one person, or of one group while nobody has claimed
them; only the overdue ones with `late`). A page at a time, saying whether there are more.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .models import HumanTask, ProcessInstance

KINDS = ("started", "completed", "ended", "step", "open")


@dataclass(frozen=True)
class Behind:
    instance_id: int
    process: str
    department: str | None
    status: str
    started_at: datetime
    ended_at: datetime | None
    task_status: str | None = None       # for a step: its task's, with how long it waited
    wait_s: float | None = None
    task_name: str | None = None         # for open work: the step it waits on, and when it is due
    due_at: datetime | None = None


def _period(column: Any, since: datetime, until: datetime | None) -> list[Any]:
    return [column >= since, *([] if until is None else [column < until])]


def query(kind: str, *, since: datetime, until: datetime | None = None, process: str | None = None,
          department: str | None = None, step: str | None = None, definition_id: int | None = None,
          owner: str | None = None, assigned: bool | None = None, late: bool = False, now: datetime | None = None,
          ) -> Select[Any]:
    """The rows behind the figure (kind as in KINDS); `definition_id` keeps a renamed step's part to its versions."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    pi = ProcessInstance
    scope = [*([] if process is None else [pi.process_key == process]),
             *([] if department is None else [pi.department == department])]
    if kind == "open":
        return _open(scope, process, owner, assigned, now if late else None)
    if kind == "ended":
        return (select(pi.id, pi.process_key, pi.department, pi.status, pi.created_at, pi.ended_at)
                .where(pi.status == "completed", *_period(pi.ended_at, since, until), *scope)
                .order_by(pi.ended_at, pi.id))
    if kind == "step":
        if not step:
            raise ValueError("step: required for the instances behind a step")
        q = (select(pi.id, pi.process_key, pi.department, pi.status, pi.created_at, pi.ended_at, HumanTask.status,
                    HumanTask.wait_seconds)
             .join(HumanTask, HumanTask.instance_id == pi.id)
             .where(HumanTask.task_name == step, HumanTask.status != "cancelled",
                    *_period(HumanTask.created_at, since, until), *scope))
        if process is not None:
            q = q.where(HumanTask.process_key == process)
        if definition_id is not None:
            q = q.where(pi.definition_id == definition_id)
        return q.order_by(HumanTask.created_at, HumanTask.id)
    q = select(pi.id, pi.process_key, pi.department, pi.status, pi.created_at, pi.ended_at).where(
        *_period(pi.created_at, since, until), *scope)
    if kind == "completed":
        q = q.where(pi.status == "completed")
    return q.order_by(pi.created_at, pi.id)


def _open(scope: list[Any], process: str | None, owner: str | None, assigned: bool | None,
          late_at: datetime | None) -> Select[Any]:
    """Open tasks now, as `analytics.workload` counts them: its owner is the assignee, else the candidate group."""
    pi, task = ProcessInstance, HumanTask
    held_by = func.coalesce(task.assignee, task.candidate_group, "")
    q = (select(pi.id, pi.process_key, pi.department, pi.status, pi.created_at, pi.ended_at, task.status,
                task.wait_seconds, task.task_name, task.due_at)
         .join(task, task.instance_id == pi.id).where(task.status == "open", *scope))
    if process is not None:
        q = q.where(task.process_key == process)
    if owner is not None:
        q = q.where(held_by == owner)
    if assigned is not None:
        q = q.where(task.assignee.is_not(None) if assigned else task.assignee.is_(None))
    if late_at is not None:
        q = q.where(task.due_at.is_not(None), task.due_at < late_at)
    return q.order_by(task.created_at, task.id)


def page(session: Session, kind: str, *, limit: int = 50, offset: int = 0, **scope: Any,
         ) -> tuple[list[Behind], int, bool]:
    """One page of the rows behind a figure, how many there are in all, and whether more follow this page."""
    q = query(kind, **scope)
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    rows = session.execute(q.limit(limit).offset(offset)).all()
    found = [Behind(*row[:6], *(row[6:] if kind in ("step", "open") else ())) for row in rows]
    return found, int(total), offset + len(found) < total
