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


def save(eng: WorkflowEngine, task_id: str, actor: Actor, data: dict[str, Any]) -> None:
    """Keep the values as typed (unvalidated: a draft may be incomplete); only whoever may act on the task."""
    values = {str(k): str(v)[:MAX_VALUE] for k, v in data.items() if isinstance(v, (str, int, float))}
    with eng._write() as session:
        row = session.get(HumanTask, task_id)
        if row is None:
            raise NotFound(f"no task {task_id}")
        if row.status != "open":
            raise Conflict("task is no longer open")
        if not may_work_on(row, actor):
            raise Forbidden("you may not work on this task")
        draft = session.get(TaskDraft, (task_id, actor.username)) or TaskDraft(task_id=task_id,
                                                                               username=actor.username)
        draft.data, draft.saved_at = values, eng.clock()
        session.add(draft)


def load(eng: WorkflowEngine, task_id: str, actor: Actor) -> dict[str, Any] | None:
    with eng.read() as session:
        draft = session.get(TaskDraft, (task_id, actor.username))
        return dict(draft.data) if draft else None


def discard(eng: WorkflowEngine, task_id: str, actor: Actor) -> None:
    with eng._write() as session:
        session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id,
                                                TaskDraft.username == actor.username))
