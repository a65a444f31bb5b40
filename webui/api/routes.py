"""REST API v1 routes: parse the request, call the engine, answer JSON. Nothing more.

Authentication, error mapping and JSON conversion live beside this file
(auth.py, errors.py, serialize.py), so every view is a few lines.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from engine import InboxKey, InstanceView, TaskView, inbox_key

from ..access import InstanceOf, Roles, SignedIn, TaskOf, guard
from ..extensions import csrf, workflow_engine
from ..uploads import start_with_uploads
from . import errors
from . import schemas as s
from .auth import caller
from .describe import operation
from .paging import KEYSET_QUERY, NEXT_LINK, bad_cursor, cursor_arg, fitted, limit_arg, page_in, page_of, page_response
from .parse import checked, model_body, multipart_body, optional_text, required_text
from .serialize import instance_json, process_json, task_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, never cookies: there is no cross-site request to forge
errors.register(bp)

START_FIELDS = frozenset(s.StartInstance.model_fields)


@bp.get("/processes")
@operation("The deployed processes, latest version of each", "processes", {200: ("the processes", page_of(s.Process))},
           headers=NEXT_LINK, query=KEYSET_QUERY)
@guard(SignedIn("the deployed processes: names and versions"))
def list_processes() -> Response:
    page, after = page_in(workflow_engine().processes(), lambda d: [d.key, d.version], limit_arg(), cursor_arg())
    return page_response([process_json(d) for d in page], after)


@bp.post("/process-instances")
@operation("Start an instance", "instances", {201: ("the new instance", s.Instance)}, body=s.StartInstance,
           multipart=True, headers={201: {"Location": "the new instance's URL"}})
@guard(SignedIn("the engine refuses a process the caller may not start"))
def start_instance() -> tuple[Response, int, dict[str, str]]:
    """JSON, or multipart/form-data when the start form takes files: `process`, `data` (JSON text),
    `business_key`, and one file part per file named after its field."""
    uploading = request.mimetype == "multipart/form-data"
    body = checked(s.StartInstance, multipart_body(START_FIELDS)) if uploading else model_body(s.StartInstance)
    key = required_text(body, "process")
    business_key = optional_text(body, "business_key", max_length=200)
    who = caller()
    data = body.get("data", {})
    if uploading:
        view = workflow_engine().get(start_with_uploads(key, workflow_engine().form(key, "start"), data, who.actor,
                                                        request.files, business_key).id, who.actor)
    else:
        view = workflow_engine().start(key, data, who.actor, business_key=business_key, whole=True)
    return jsonify(instance_json(view)), 201, {"Location": url_for(".get_instance", instance_id=view.id)}


def _whole(view: InstanceView) -> Response:
    """A command's answer is the whole instance, tasks and history included, as GET shows it (the start and
    the completion read it inside their own transaction: `whole=True`)."""
    return jsonify(instance_json(workflow_engine().get(view.id, caller().actor)))


@bp.get("/process-instances/<int:instance_id>")
@operation("An instance with its tasks and history", "instances", {200: ("the instance", s.Instance)})
@guard(InstanceOf())
def get_instance(instance_id: int) -> Response:
    return jsonify(instance_json(workflow_engine().get(instance_id, caller().actor)))


@bp.post("/process-instances/<int:instance_id>/cancel")
@operation("Cancel an instance (its requester or an administrator)", "instances", {200: ("the instance", s.Instance)},
           body=s.InstanceCommand)
@guard(InstanceOf())
def cancel_instance(instance_id: int) -> Response:
    revision = model_body(s.InstanceCommand).get("revision")
    return _whole(workflow_engine().cancel(instance_id, caller().actor, revision))


@bp.post("/process-instances/<int:instance_id>/retry")
@operation("Run the failed step again (administrators)", "instances", {200: ("the instance", s.Instance)},
           body=s.InstanceCommand)
@guard(Roles(("admin",)))
def retry_instance(instance_id: int) -> Response:
    revision = model_body(s.InstanceCommand).get("revision")
    return _whole(workflow_engine().retry(instance_id, caller().actor, revision))


@bp.get("/tasks")
@operation("The caller's open tasks in inbox order (soonest due first)", "tasks",
           {200: ("the tasks", page_of(s.Task))}, headers=NEXT_LINK, query=KEYSET_QUERY)
@guard(SignedIn("the caller's own open tasks"))
def list_tasks() -> Response:
    """The caller's open tasks in inbox order (soonest due first), paged by the last task's place in it."""
    limit = limit_arg()
    rows = workflow_engine().open_tasks(caller().actor, limit + 1, after=_inbox_cursor())
    page, after = fitted(rows, _task_cursor, limit)
    return page_response([task_json(t) for t in page], after)


def _task_cursor(task: TaskView) -> list[Any]:
    due, created, task_id = inbox_key(task)
    return [due.isoformat() if due else None, created.isoformat(), task_id]


def _inbox_cursor() -> InboxKey | None:
    key = cursor_arg()
    if key is None:
        return None
    try:
        due, created, task_id = key
        return (datetime.fromisoformat(due) if due is not None else None, datetime.fromisoformat(created),
                str(task_id))
    except (TypeError, ValueError):
        raise bad_cursor() from None


@bp.get("/tasks/<task_id>")
@operation("A task", "tasks", {200: ("the task", s.Task)})
@guard(TaskOf())
def get_task(task_id: str) -> Response:
    return jsonify(task_json(workflow_engine().task(task_id, caller().actor)))


@bp.post("/tasks/<task_id>/claim")
@operation("Claim a task", "tasks", {200: ("the task", s.Task)})
@guard(TaskOf())
def claim_task(task_id: str) -> Response:
    return jsonify(task_json(workflow_engine().claim(task_id, caller().actor)))


@bp.post("/tasks/<task_id>/unclaim")
@operation("Release a claimed task", "tasks", {200: ("the task", s.Task)})
@guard(TaskOf())
def unclaim_task(task_id: str) -> Response:
    return jsonify(task_json(workflow_engine().unclaim(task_id, caller().actor)))


@bp.post("/tasks/<task_id>/complete")
@operation("Complete a task with its form's values", "tasks", {200: ("the instance", s.Instance)},
           body=s.CompleteTask)
@guard(TaskOf())
def complete_task(task_id: str) -> Response:
    body = model_body(s.CompleteTask)
    return jsonify(instance_json(workflow_engine().complete(task_id, caller().actor, body.get("data", {}),
                                                            whole=True)))
