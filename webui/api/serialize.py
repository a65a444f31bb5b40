"""Engine views as JSON: ISO 8601 UTC timestamps with "Z", and nothing JSON cannot represent."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine import EventView, InstanceView, Problem, ProcessDefinition, TaskView


def timestamp(value: datetime | None) -> str | None:
    """The engine stores naive UTC; an aware value is converted to UTC first."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


def plain(value: Any) -> Any:
    """Workflow data made JSON-safe: whatever scripts put there, the response must still encode."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return str(value)


def process_json(definition: ProcessDefinition) -> dict[str, Any]:
    return {"key": definition.key, "name": definition.name, "version": definition.version}


def task_json(task: TaskView) -> dict[str, Any]:
    return {
        "id": task.id, "title": task.title, "process": task.process, "instance_id": task.instance_id,
        "task_name": task.task_name, "status": task.status, "form": task.form,
        "candidate_group": task.candidate_group, "assignee": task.assignee,
        "business_key": task.business_key, "started_by": task.started_by,
        "created_at": timestamp(task.created_at), "due_at": timestamp(task.due_at),
        "claimed_at": timestamp(task.claimed_at), "completed_at": timestamp(task.completed_at),
        "completed_by": task.completed_by, "outcome": task.outcome, "comment": task.comment,
    }


def event_json(event: EventView) -> dict[str, Any]:
    return {"id": event.id, "kind": event.kind, "actor": event.actor, "at": timestamp(event.at),
            "task_id": event.task_id, "task_name": event.task_name, "detail": plain(event.detail)}


def instance_json(view: InstanceView) -> dict[str, Any]:
    return {
        "id": view.id, "process": view.process, "process_name": view.process_name, "version": view.version,
        "status": view.status, "business_key": view.business_key, "started_by": view.started_by,
        "created_at": timestamp(view.created_at), "updated_at": timestamp(view.updated_at),
        "ended_at": timestamp(view.ended_at), "revision": view.revision, "data": plain(view.data),
        "error": {"message": view.error_message, "task": view.error_task} if view.error_message else None,
        "tasks": [task_json(t) for t in view.tasks],
        "history": [event_json(e) for e in view.history],
    }


def problem_json(problem: Problem) -> dict[str, Any]:
    return {"message": problem.message, "element": problem.element, "element_id": problem.element_id,
            "line": problem.line, "source": problem.source}
