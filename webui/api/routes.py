"""REST API v1 routes: parse the request, call the engine, answer JSON. Nothing more.

Authentication, error mapping and JSON conversion live beside this file
(auth.py, errors.py, serialize.py), so every view is a few lines.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from engine import InstanceView

from ..access import InstanceOf, Roles, SignedIn, TaskOf, guard
from ..extensions import csrf, workflow_engine
from ..uploads import start_with_uploads
from . import errors
from . import schemas as s
from .auth import caller
from .describe import Query, operation
from .parse import checked, int_arg, model_body, multipart_body, optional_text, required_text
from .serialize import instance_json, process_json, task_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, never cookies: there is no cross-site request to forge
errors.register(bp)

START_FIELDS = frozenset(s.StartInstance.model_fields)
MAX_PAGE = 200
PAGE = (Query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 50},
              "at most this many (capped at 200)"),
        Query("offset", {"type": "integer", "minimum": 0, "default": 0}, "skip this many"))


@bp.get("/processes")
@operation("The deployed processes, latest version of each", "processes", {200: ("the processes", [s.Process])})
@guard(SignedIn("the deployed processes: names and versions"))
def list_processes() -> Response:
    return jsonify([process_json(d) for d in workflow_engine().processes()])


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
        view = start_with_uploads(key, workflow_engine().form(key, "start"), data, who.actor, request.files,
                                  business_key)
    else:
        view = workflow_engine().start(key, data, who.actor, business_key=business_key)
    return _whole(view), 201, {"Location": url_for(".get_instance", instance_id=view.id)}


def _whole(view: InstanceView) -> Response:
    """A command's answer is the whole instance, tasks and history included, as GET shows it."""
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
@operation("The caller's open tasks, oldest first", "tasks", {200: ("the tasks", [s.Task])}, query=PAGE)
@guard(SignedIn("the caller's own open tasks"))
def list_tasks() -> Response:
    limit = int_arg("limit", default=50, minimum=1, maximum=MAX_PAGE)
    offset = int_arg("offset", default=0, minimum=0)
    return jsonify([task_json(t) for t in workflow_engine().open_tasks(caller().actor, limit, offset)])


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
    return _whole(workflow_engine().complete(task_id, caller().actor, body.get("data", {})))
