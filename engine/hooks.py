"""Where the parts beside the kernel plug into it, so that the kernel calls them without importing them.

The job system registers here when `engine` is imported (`engine/jobs/__init__.py`): after every
step it schedules the instance's timer and retry jobs in the step's transaction, and it is what
`WorkflowEngine.wake_timers` runs. Work that must follow a step in its transaction (an outbox
row for a webhook) registers an after-step hook the same way.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from .persistence import InstanceRow
    from .workflow import OpsFlowWorkflow

AfterStep = Callable[[Session, "InstanceRow", "OpsFlowWorkflow", datetime], None]
TimerWaker = Callable[[Any, datetime, str, int], int]  # (the WorkflowEngine, now, worker id, limit)

_after_step: list[AfterStep] = []
_timer_waker: list[TimerWaker] = []


def after_step(hook: AfterStep) -> AfterStep:
    """Run `hook(session, instance row, workflow, now)` at the end of every step, in its transaction, in
    the order registered (once, however often it is registered). The row is the step's
    `persistence.InstanceRow`, its status already set."""
    if hook not in _after_step:
        _after_step.append(hook)
    return hook


def step_done(session: Session, inst: InstanceRow, wf: OpsFlowWorkflow, now: datetime) -> None:
    for hook in _after_step:
        hook(session, inst, wf, now)


def timer_waker(waker: TimerWaker) -> TimerWaker:
    """`waker(engine, now, worker_id, limit)` fires the timers due by `now` and returns how many jobs it ran."""
    _timer_waker[:] = [waker]
    return waker


def wake_timers(engine: Any, now: datetime, worker_id: str, limit: int) -> int:
    if not _timer_waker:
        raise LookupError("no job system has registered a timer waker")
    return _timer_waker[0](engine, now, worker_id, limit)
