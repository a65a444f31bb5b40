"""Audited actions on a task or instance taken outside a workflow step: notes, reminders, reassignment.

The scheduler's rules use these so that what they do (a rule that did not apply and why, a
reminder for an overdue task, a reassignment to the group's manager) sits in the instance's
event log beside every human action. Each call is one transaction and bumps the instance's
version, so it races with a completion like any other change.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .errors import Conflict, Forbidden, NotFound
from .models import Event, HumanTask, ProcessInstance
from .tasks import may_decide


def record(engine: Any, instance_id: int, kind: str, actor: str, *, task_id: str | None = None,
           task_name: str | None = None, once_per: tuple[str, ...] = (), **detail: Any) -> bool:
    """Append one event to an instance's log; return whether it was written.

    With `once_per` the event is skipped when the task already has a `kind` event with the same
    values for those detail keys. The instance's version is bumped, so two schedulers racing to
    write the same note conflict instead of both writing it.
    """
    with engine._write() as session:
        inst = session.get(ProcessInstance, instance_id)
        if inst is None:
            raise NotFound(f"no process instance {instance_id}")
        if once_per and _has(session, instance_id, kind, task_id, {k: detail.get(k) for k in once_per}):
            return False
        now = engine.clock()
        inst.updated_at = now
        session.add(Event(instance_id=instance_id, kind=kind, actor=actor, at=now,
                          task_id=task_id, task_name=task_name, detail=detail))
        return True


def _has(session: Any, instance_id: int, kind: str, task_id: str | None, detail: dict[str, Any]) -> bool:
    events = session.scalars(select(Event).where(Event.instance_id == instance_id, Event.kind == kind,
                                                 Event.task_id == task_id))
    return any(all((e.detail or {}).get(k) == v for k, v in detail.items()) for e in events)


def has_event(engine: Any, instance_id: int, kind: str, task_id: str, **detail: Any) -> bool:
    """Whether the instance's log already holds `kind` for this task with these detail values."""
    with engine.read() as session:
        return _has(session, instance_id, kind, task_id, detail)


def reassign(engine: Any, task_id: str, to_user: str, actor: str, **detail: Any) -> None:
    """Give an open task to `to_user` (escalation to a manager), recording who did it and why."""
    with engine._write() as session:
        row = session.get(HumanTask, task_id, with_for_update=True)  # racing reassignments queue
        if row is None:
            raise NotFound(f"no task {task_id}")
        if row.status != "open":
            raise Conflict("task is no longer open")
        if not may_decide(session, row, to_user):
            raise Forbidden(f"separation of duties: {to_user} may not decide this task")
        inst = session.get(ProcessInstance, row.instance_id)
        now = engine.clock()
        before = row.assignee
        row.assignee, row.claimed_at = to_user, now
        inst.updated_at = now
        session.add(Event(instance_id=inst.id, kind="task_reassigned", actor=actor, at=now, task_id=row.id,
                          task_name=row.task_name, detail={"from": before, "to": to_user, **detail}))
