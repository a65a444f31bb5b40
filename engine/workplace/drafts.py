"""Half-filled decision forms, kept per task and person until the task is completed."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete

from ..errors import Conflict, Forbidden, NotFound
from ..models import HumanTask
from ..tasks import may_work_on
from ..views import Actor
from .models import TaskDraft

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

MAX_VALUE = 10000


def save(eng: WorkflowEngine, task_id: str, actor: Actor, data: dict[str, Any],
         expected_version: int | None = None) -> int:
    """Keep the values as typed (unvalidated: a draft may be incomplete); only whoever may act on the task.

    `expected_version`: the version the caller last read (0: there was none); a newer draft is not
    overwritten but refused (Conflict), so two windows or clients never silently undo each other.
    Returns the draft's new version."""
    values = {str(k): str(v)[:MAX_VALUE] for k, v in data.items() if isinstance(v, (str, int, float))}
    with eng._write() as session:
        row = session.get(HumanTask, task_id)
        if row is None:
            raise NotFound(f"no task {task_id}")
        if row.status != "open":
            raise Conflict("task is no longer open")
        if not may_work_on(row, actor):
            raise Forbidden("you may not work on this task")
        draft = session.get(TaskDraft, (task_id, actor.username), with_for_update=True)
        current = draft.version if draft else 0
        if expected_version is not None and expected_version != current:
            raise Conflict("the draft was saved again since you read it; reload it",
                           {"version": f"is {current}, not {expected_version}"})
        if draft is None:
            draft = TaskDraft(task_id=task_id, username=actor.username, version=0)
        draft.data, draft.saved_at, draft.version = values, eng.clock(), current + 1
        session.add(draft)
        return current + 1


def load(eng: WorkflowEngine, task_id: str, actor: Actor) -> dict[str, Any] | None:
    with eng.read() as session:
        draft = session.get(TaskDraft, (task_id, actor.username))
        return dict(draft.data) if draft else None


def current(eng: WorkflowEngine, task_id: str, actor: Actor) -> tuple[dict[str, Any], int] | None:
    """The draft with its version, for a client that will save it back."""
    with eng.read() as session:
        draft = session.get(TaskDraft, (task_id, actor.username))
        return (dict(draft.data), draft.version) if draft else None


def discard(eng: WorkflowEngine, task_id: str, actor: Actor) -> None:
    with eng._write() as session:
        session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id,
                                                TaskDraft.username == actor.username))
