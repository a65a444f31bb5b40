"""BPMN timers as jobs: each timer a workflow waits on is a row in the jobs table.

While a step runs, SpiffWorkflow's timers read the engine's clock (the kernel's `spiff_clock`).
After every step `schedule` (an after-step hook) writes one `timer` job per waiting timer (in the
same transaction as the step) and cancels the jobs of timers that no longer
wait (a boundary timer whose user task was completed). The job wakes the
instance at the fire time; see `wake`.

A process that starts on a cycle (`"R/P1M"`, `"R3/PT1H"`) runs one instance per firing.
SpiffWorkflow would repeat the cycle inside the instance, a new branch each time; instead,
when the start cycle fires, `wake` ends the cycle in that instance and, in the same
transaction, starts the next instance waiting at its start event with what is left of
the cycle (the count, and the next fire time: calendar months stay months). The job that
fired is claimed once, so the next instance is started once, whatever the number of
schedulers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import persistence
from ..models import ProcessInstance
from ..persistence import InstanceRow
from ..spiff_clock import spiff_clock
from ..views import SYSTEM
from ..workflow import OpsFlowWorkflow
from .runner import Job, JobRunner

TIMER_JOB = "timer"


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element: str
    due_at: datetime  # naive UTC


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _due(task: Any) -> datetime | None:
    definition = task.task_spec.event_definition
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    TD = spiff_timer.TimerEventDefinition
    if isinstance(definition, spiff_timer.CycleTimerEventDefinition):
        if value.get("cycles") == 0:
            return None
        return _naive_utc(datetime.fromisoformat(value["next"]))
    if isinstance(definition, spiff_timer.DurationTimerEventDefinition):
        return _naive_utc(TD.get_datetime(value))
    if isinstance(definition, spiff_timer.TimeDateEventDefinition):
        return _naive_utc(TD.parse_time_or_duration(value))
    return None


def waiting_timers(wf: BpmnWorkflow) -> list[WaitingTimer]:
    """Timers the workflow waits on, with the time each one fires."""
    found = []
    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, spiff_timer.TimerEventDefinition) or task._get_internal_data("event_fired"):
            continue
        due = _due(task)
        if due is not None:
            found.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id or task.task_spec.name, due))
    return found


def schedule(session: Session, inst: ProcessInstance, wf: BpmnWorkflow, now: datetime) -> None:
    """Make the pending timer jobs of `inst` match the timers it waits on; in the step's transaction."""
    wanted = {(t.task_id, t.due_at): t for t in waiting_timers(wf)}
    if inst.status in ("completed", "cancelled", "error"):
        wanted = {}
    pending = session.scalars(select(Job).where(
        Job.instance_id == inst.id, Job.kind == TIMER_JOB, Job.status == "pending")).all()
    have = set()
    for job in pending:
        key = (job.payload.get("task"), job.due_at)
        if key in wanted:
            have.add(key)
        else:
            job.status, job.finished_at = "cancelled", now
    for key, timer in wanted.items():
        if key not in have:
            session.add(Job(kind=TIMER_JOB, due_at=timer.due_at, instance_id=inst.id, created_at=now,
                            payload={"task": timer.task_id, "element": timer.element}))


def schedule_after_step(session: Session, inst: InstanceRow, wf: OpsFlowWorkflow, now: datetime) -> None:
    """The after-step hook: `schedule`, unless no timer waited before this step and none waits now.

    `wf.timer_jobs` notes whether the live workflow left timer jobs (unknown once deserialized); an
    instance inserted in this transaction (version 0) has none yet.
    """
    waits = bool(waiting_timers(wf))
    if waits or (wf.timer_jobs is not False and inst.lock_version != 0):
        schedule(session, inst, wf, now)
    wf.timer_jobs = waits


def fired(before: list[WaitingTimer], wf: BpmnWorkflow, now: datetime) -> list[WaitingTimer]:
    """Timers of `before` that came due and no longer wait with that due time."""
    still = {(t.task_id, t.due_at) for t in waiting_timers(wf)}
    return [t for t in before if t.due_at <= now and (t.task_id, t.due_at) not in still]


def wake(engine: Any, session: Session, instance_id: int) -> list[WaitingTimer]:
    """Fire the instance's due timers by the engine's clock and run it on; return the timers that fired.

    A job for an instance that has since finished, or whose timer went away, simply does nothing.
    """
    row = persistence.load_instance(session, instance_id)  # the row without its state: the status is enough
    if row is None or row.status not in ("waiting", "running"):
        return []
    with engine._instance(session, instance_id, row) as (inst, wf):
        now = engine.clock()
        before = waiting_timers(wf)
        with spiff_clock(engine.clock):
            wf.refresh_timers()
            done = fired(before, wf, now)
            cycle = _end_start_cycle(wf, done, now)
        for timer in done:
            engine._log(session, inst, "timer_fired", "system", task_name=timer.element,
                        due_at=timer.due_at.isoformat(timespec="milliseconds"))
        engine._advance(session, inst, wf, "system")
        if cycle is not None:
            _start_next_cycle(engine, session, inst, *cycle)
    return done


def run(engine: Any, session: Session, job: Job) -> None:
    """The `timer` job kind."""
    wake(engine, session, job.instance_id)


def wake_due(engine: Any, now: datetime, worker_id: str, limit: int) -> int:
    """Fire the timers due by `now` at once, as the scheduler would: `WorkflowEngine.wake_timers`."""
    return JobRunner(engine).run_due(now, worker_id, limit, kinds=(TIMER_JOB,)).done


def _start_cycle_task(wf: BpmnWorkflow, timer: WaitingTimer) -> Any | None:
    task = wf.get_task_from_id(UUID(timer.task_id))
    definition = getattr(task.task_spec, "event_definition", None)
    if task.workflow is wf and type(task.task_spec).__name__ == "StartEvent" and \
            isinstance(definition, spiff_timer.CycleTimerEventDefinition):
        return task
    return None


def _parts(expression: str) -> list[str]:
    return expression.upper().replace("--", "/").strip("R").split("/")


def _period(expression: str) -> dict[str, Any] | None:
    """The duration of an ISO 8601 repeating interval (`R3/PT1H`, `R/2030-01-01T00:00/P1M`), parsed."""
    durations = [p for p in _parts(expression)[1:] if p.startswith("P")]
    return spiff_timer.TimerEventDefinition.parse_iso_duration(durations[0]) if durations else None


def _zone(expression: str) -> tzinfo:
    """Where a cycle's months are counted: the zone its start (or end) is written in.

    `R/2030-01-01T00:00:00+08:00/P1M` is midnight on the 1st in China, which is 16:00 UTC on the
    last day of the month before: counted in UTC, "a month later" would land on the 3rd of March.
    A time written without a zone is the server's local time (as SpiffWorkflow reads it); a cycle
    without a date counts in UTC, as it always did.
    """
    for part in _parts(expression)[1:]:
        if not part.startswith("P"):
            try:
                written = datetime.fromisoformat(part)
            except ValueError:  # an ISO week date: SpiffWorkflow reads it, we count in UTC
                continue
            return written.tzinfo or spiff_timer.LOCALTZ
    return UTC


def _rest_of_cycle(expression: str, cycles: int, at: datetime, duration: float,
                   now: datetime) -> dict[str, Any] | None:
    """After the firing at `at`: the cycle's next firing still to come, as SpiffWorkflow's event value.

    None when no firing is left. Firings before `now` are skipped (one instance stands for them),
    a counted cycle losing one for each.
    """
    period, at = _period(expression), at.astimezone(_zone(expression))
    while cycles != 0:
        step = spiff_timer.TimerEventDefinition.get_timedelta_from_start(dict(period), at) if period \
            else timedelta(seconds=duration)
        at += step
        if at > now.replace(tzinfo=UTC):
            return {"cycles": max(cycles, -1), "next": at.astimezone(UTC).isoformat(),
                    "duration": step.total_seconds()}
        if cycles > 0:
            cycles -= 1
    return None


def _end_start_cycle(wf: BpmnWorkflow, done: list[WaitingTimer],
                     now: datetime) -> tuple[str, dict[str, Any]] | None:
    """If the start cycle fired: stop it in this instance; (start element, rest of the cycle) or None.

    Runs under `spiff_clock`. None as well when no firing is left. Firings missed while no
    scheduler ran are skipped (this instance stands for them), so the next instance waits
    for a time still to come instead of firing at once.
    """
    for timer in done:
        task = _start_cycle_task(wf, timer)
        if task is None:
            continue
        value = dict(task._get_internal_data("event_value"))  # after the firing: one cycle fewer
        task._set_internal_data(event_value={**value, "cycles": 0})
        wf.refresh_timers()  # no cycle left: the start event counts as fired ...
        wf.refresh_timers()  # ... and is ready, so the instance can complete
        at = datetime.fromisoformat(value["next"]) - timedelta(seconds=value["duration"])
        expression = wf.script_engine.evaluate(task, task.task_spec.event_definition.expression)
        rest = _rest_of_cycle(expression, value["cycles"], at, value["duration"], now)
        return (timer.element, rest) if rest is not None else None
    return None


class CycleOver(Exception):
    """A start cycle whose every firing lies before the time it would be armed: nothing to arm."""


def first_firing_to_come(wf: BpmnWorkflow, element: str, now: datetime) -> None:
    """Arm a start cycle whose start lies in the past at its next firing still to come.

    `R/2026-01-01T00:00:00+08:00/P1M` deployed on 3 December means the 1st of January next, not a
    run at once for a 1st that passed before the process existed (SpiffWorkflow would fire it on
    the spot, and again inside the same instance at the next firing). Raises `CycleOver` when no
    firing is left. A cycle whose first firing is still to come is left as SpiffWorkflow arms it.
    """
    for task in wf.get_tasks():
        definition = getattr(task.task_spec, "event_definition", None)
        if task.workflow is not wf or task.task_spec.bpmn_id != element or \
                not isinstance(definition, spiff_timer.CycleTimerEventDefinition):
            continue
        with spiff_clock(lambda: now):
            expression = wf.script_engine.evaluate(task, definition.expression)
            cycles, start, duration = spiff_timer.TimerEventDefinition.parse_iso_recurring_interval(expression)
        if start > now.replace(tzinfo=UTC):
            return
        rest = _rest_of_cycle(expression, cycles - 1 if cycles > 0 else cycles, start,
                              duration.total_seconds(), now)
        if rest is None:
            raise CycleOver(element)
        task._set_internal_data(event_value=rest)


def _start_next_cycle(engine: Any, session: Session, inst: ProcessInstance, element: str,
                      rest: dict[str, Any]) -> None:
    """The next instance of a start cycle, waiting for its firing; a newer version starts its own cycle."""
    if engine.definitions.require_latest(session, inst.process_key).id != inst.definition_id:
        return

    def carry_on(wf: BpmnWorkflow) -> None:
        for task in wf.get_tasks():
            if task.task_spec.bpmn_id == element and task.workflow is wf:
                task._set_internal_data(event_value=rest)

    engine._start_in(session, inst.process_key, {}, SYSTEM, None, prepare=carry_on)
