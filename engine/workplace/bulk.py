"""Approving many tasks at once, where the process says a task may be decided that way.

A user task opts in with the BPMN property `bulk_approve="true"`. Each task
is completed on its own, in its own transaction, exactly as if approved one
by one: the same checks, the same `task_completed` event. One refusal does
not stop the others; the result says per task what happened.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..errors import OpsFlowError
from ..models import HumanTask, ProcessDefinition, ProcessInstance
from ..views import Actor

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

MAX_TASKS = 200


@dataclass(frozen=True)
class BulkResult:
    task_id: str
    title: str
    ok: bool
    error: str = ""
    status: int = 200


def _properties(spec: Any) -> dict[str, str]:
    return (getattr(spec, "extensions", None) or {}).get("properties", {}) or {}


def _task_spec(eng: WorkflowEngine, definition: ProcessDefinition, name: str) -> Any:
    specs = eng.definitions.specs(definition)
    for process in (specs.spec, *specs.subprocess_specs.values()):
        if name in process.task_specs:
            return process.task_specs[name]
    return None


def allows_bulk(eng: WorkflowEngine, definition: ProcessDefinition, task_name: str) -> bool:
    spec = _task_spec(eng, definition, task_name)
    return spec is not None and _properties(spec).get("bulk_approve", "").strip().lower() == "true"


def bulk_capable(eng: WorkflowEngine, task_ids: list[str]) -> set[str]:
    """Which of these tasks their process lets be approved in bulk (for showing the checkboxes)."""
    if not task_ids:
        return set()
    with eng.read() as session:  # the versions come from the definitions' cache: their rows are large
        rows = session.execute(select(HumanTask.id, HumanTask.task_name, ProcessInstance.definition_id)
                               .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                               .where(HumanTask.id.in_(task_ids))).all()
        return {tid for tid, name, definition_id in rows
                if allows_bulk(eng, eng.definitions.get(session, definition_id), name)}


def approve(eng: WorkflowEngine, task_ids: list[str], actor: Actor, comment: str = "") -> list[BulkResult]:
    results: list[BulkResult] = []
    allowed = bulk_capable(eng, task_ids[:MAX_TASKS])
    for task_id in task_ids[:MAX_TASKS]:
        try:
            view = eng.task(task_id, actor)
        except OpsFlowError as exc:
            results.append(BulkResult(task_id, "", False, exc.message, exc.status))
            continue
        if task_id not in allowed:
            results.append(BulkResult(task_id, view.title, False, "this task cannot be approved in bulk", 422))
            continue
        data: dict[str, Any] = {"decision": "approve"}
        if comment.strip():
            data["comment"] = comment.strip()
        try:
            eng.complete(task_id, actor, data)
        except OpsFlowError as exc:
            results.append(BulkResult(task_id, view.title, False, exc.message, exc.status))
        else:
            results.append(BulkResult(task_id, view.title, True))
    for task_id in task_ids[MAX_TASKS:]:
        results.append(BulkResult(task_id, "", False, f"at most {MAX_TASKS} tasks at once", 422))
    return results
