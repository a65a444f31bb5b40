"""Where a process loses time, step by step, for one version, department and period — and version against version.

The heatmap over the diagram needs, per step, how many tasks were done and how long they waited
(created → claimed) and were worked on (claimed → completed); every figure drills down to the
instances behind it. Comparing two versions answers "did the change help?": cycle time p50/p90,
waiting per step, and the rejection and automation rates. Like `analytics`, SQL over the task and
instance tables only, and nothing written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from .analytics import _seconds
from .models import HumanTask, ProcessDefinition, ProcessInstance

AUTOMATIC = "system"  # who completes what a rule decides


@dataclass(frozen=True)
class StepHeat:
    step: str
    completed: int
    open: int
    avg_wait_s: float | None
    avg_work_s: float | None
    late: int


@dataclass(frozen=True)
class StepInstance:
    instance_id: int
    task_id: str
    created_at: datetime
    wait_s: float | None
    work_s: float | None
    completed_by: str | None
    late: bool


@dataclass(frozen=True)
class VersionKpis:
    version: int
    started: int
    completed: int
    cycle_p50_s: float | None
    cycle_p90_s: float | None
    rejection_rate: float | None  # of completed instances, those with a task decided "reject"
    automation_rate: float | None  # of completed tasks, those decided by rule
    wait_per_step: dict[str, float | None]


def _scope(q: Select[Any], process: str, since: datetime, version: int | None, department: str | None) -> Select[Any]:
    q = q.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
        HumanTask.process_key == process, HumanTask.created_at >= since)
    if version is not None:
        q = q.join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id).where(
            ProcessDefinition.version == version)
    if department:
        q = q.where(ProcessInstance.department == department)
    return q


def step_heat(session: Session, process: str, since: datetime, now: datetime, version: int | None = None,
              department: str | None = None) -> list[StepHeat]:
    """Per step of `process`: done, open, average waiting and working time, completed or still open late."""
    done = HumanTask.status == "completed"
    late = (HumanTask.due_at < func.coalesce(HumanTask.completed_at, now)) & (HumanTask.status != "cancelled")
    q = _scope(select(HumanTask.task_name, func.sum(case((done, 1), else_=0)),
                      func.sum(case((HumanTask.status == "open", 1), else_=0)),
                      func.avg(HumanTask.claim_wait_seconds), func.avg(HumanTask.work_seconds),
                      func.sum(case((late, 1), else_=0))), process, since, version, department)
    rows = session.execute(q.group_by(HumanTask.task_name)).all()
    return sorted((StepHeat(s, int(c or 0), int(o or 0), _f(w), _f(k), int(lt or 0)) for s, c, o, w, k, lt in rows),
                  key=lambda h: -((h.avg_wait_s or 0) + (h.avg_work_s or 0)))


def step_instances(session: Session, process: str, step: str, since: datetime, version: int | None = None,
                   department: str | None = None, limit: int = 50, offset: int = 0,
                   ) -> tuple[list[StepInstance], bool]:
    """The tasks behind one step's figures, the longest waits first; a page, and whether there are more."""
    q = _scope(select(HumanTask.instance_id, HumanTask.id, HumanTask.created_at, HumanTask.claim_wait_seconds,
                      HumanTask.work_seconds, HumanTask.completed_by, HumanTask.due_at, HumanTask.completed_at),
               process, since, version, department).where(HumanTask.task_name == step, HumanTask.status == "completed")
    rows = session.execute(q.order_by(HumanTask.claim_wait_seconds.desc(), HumanTask.id)
                           .limit(limit + 1).offset(offset)).all()
    found = [StepInstance(i, t, c, _f(w), _f(k), by, bool(due and done and done > due))
             for i, t, c, w, k, by, due, done in rows[:limit]]
    return found, len(rows) > limit


def _nearest_rank(values: list[float], share: float) -> float | None:
    return values[max(0, math.ceil(share * len(values)) - 1)] if values else None


def version_kpis(session: Session, process: str, version: int, since: datetime) -> VersionKpis:
    """The KPIs of one version's instances started in the period."""
    inst = (select(ProcessInstance.id).join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(ProcessInstance.process_key == process, ProcessDefinition.version == version,
                   ProcessInstance.created_at >= since))
    started = session.scalar(select(func.count()).select_from(inst.subquery())) or 0
    done = inst.where(ProcessInstance.status == "completed")
    cycles = sorted(float(v) for v in session.scalars(
        select(_seconds(session, ProcessInstance.created_at, ProcessInstance.ended_at))
        .where(ProcessInstance.id.in_(done))) if v is not None)
    rejected = session.scalar(select(func.count(func.distinct(HumanTask.instance_id))).where(
        HumanTask.instance_id.in_(done), HumanTask.outcome == "reject")) or 0
    tasks = session.execute(select(func.count(), func.sum(case((HumanTask.completed_by == AUTOMATIC, 1), else_=0)))
                            .where(HumanTask.instance_id.in_(inst), HumanTask.status == "completed")).one()
    waits = dict(session.execute(select(HumanTask.task_name, func.avg(HumanTask.claim_wait_seconds))
                                 .where(HumanTask.instance_id.in_(inst), HumanTask.status == "completed")
                                 .group_by(HumanTask.task_name)).all())
    return VersionKpis(version, int(started), len(cycles), _nearest_rank(cycles, 0.5), _nearest_rank(cycles, 0.9),
                       rejected / len(cycles) if cycles else None,
                       (int(tasks[1] or 0) / tasks[0]) if tasks[0] else None,
                       {k: _f(v) for k, v in waits.items()})


def _f(value: Any) -> float | None:
    return None if value is None else float(value)
