"""Processes that start on a timer (a monthly report, a weekly stock count) keep one instance armed.

SpiffWorkflow runs a timer start event inside an instance: the instance waits at its start
event until the timer fires. So the scheduler arms each timer-started process (latest version)
by starting one instance as "system" that waits there, its timer a job like any other. When it
fires the flow runs on and, for a duration timer, the next poll arms a new instance: `"P1M"`
then means a run every month, counted from the previous run. A cycle timer (`"R/P1M"`,
`"R3/PT1H"`) is armed once per version: each firing starts the next instance itself (see
`timers`), so the cycle keeps its count and its times; a cycle whose start lies in the past
(`R/2026-01-01T00:00:00+08:00/P1M`, the 1st of every month) is armed at its next firing still
to come, never fired at once for the dates before it was deployed. A date timer (`timeDate`)
arms once per version, never again, so a date in the past cannot start instance after instance.

Arming takes a lock on the definition row (PostgreSQL; SQLite serializes writers anyway), so
several schedulers arm a process once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..errors import InvalidData
from ..models import ProcessDefinition, ProcessInstance
from ..views import SYSTEM
from . import timers
from .runner import Job

_TIMERS = {"TimeDateEventDefinition": "date", "DurationTimerEventDefinition": "duration",
           "CycleTimerEventDefinition": "cycle"}


@dataclass(frozen=True)
class TimerStart:
    element: str
    kind: str  # date | duration | cycle


def timer_start(specs: Any) -> TimerStart | None:
    """The top-level start event of a process spec, when it is a timer."""
    for task_spec in specs.spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if type(task_spec).__name__ == "StartEvent" and type(definition).__name__ in _TIMERS:
            return TimerStart(task_spec.bpmn_id or task_spec.name, _TIMERS[type(definition).__name__])
    return None


def _armed(session: Any, definition: ProcessDefinition, start: TimerStart) -> bool:
    if start.kind != "duration" and session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.definition_id == definition.id).limit(1)) is not None:
        return True  # a date or a cycle arms once per version
    if start.kind == "date":
        return False
    # an instance waiting at the start timer, perhaps of an older version whose cycle is not over
    jobs = session.scalars(select(Job).join(ProcessInstance, ProcessInstance.id == Job.instance_id).where(
        ProcessInstance.process_key == definition.key, ProcessInstance.status == "waiting",
        Job.kind == "timer", Job.status.in_(("pending", "running"))))
    return any(job.payload.get("element") == start.element for job in jobs)


def _from_the_next_firing(element: str, now: datetime) -> Callable[[Any], None]:
    def prepare(wf: Any) -> None:
        timers.first_firing_to_come(wf, element, now)
    return prepare


def arm(engine: Any) -> list[int]:
    """Start a waiting instance of every timer-started process that has none; return their ids."""
    started = []
    with engine.read() as session:
        latest = engine.definitions.latest_all(session)
    for definition in latest:
        start = timer_start(engine.definitions.specs(definition))
        if start is None:
            continue
        try:
            with engine._write() as session:
                locked = session.scalars(select(ProcessDefinition).where(ProcessDefinition.id == definition.id)
                                         .with_for_update()).one()
                if _armed(session, locked, start):
                    continue
                prepare = _from_the_next_firing(start.element, engine.clock()) if start.kind == "cycle" else None
                inst, _definition, _wf = engine._start_in(session, locked.key, {}, SYSTEM, None, prepare)
                started.append(inst.id)
        except InvalidData:  # a start form with required fields: it cannot start by itself
            continue
        except timers.CycleOver:  # every firing of its cycle lies in the past
            continue
        engine._commit_hooks(session)
    return started
