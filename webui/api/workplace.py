"""REST API v1 for the workplace: hand a task to someone, read and write a request's comments."""
from __future__ import annotations

from flask import current_app, jsonify
from werkzeug.wrappers import Response

from engine import CommentView, Workplace

from ..access import InstanceOf, TaskOf, guard
from . import schemas as s
from .auth import caller
from .describe import operation
from .paging import KEYSET_QUERY, NEXT_LINK, cursor_arg, limit_arg, page_in, page_of, page_response
from .parse import model_body, required_text
from .routes import bp
from .serialize import task_json


def _workplace() -> Workplace:
    return current_app.extensions["opsflow.workplace"]


@bp.post("/tasks/<task_id>/delegate")
@operation("Hand a task to someone, with the reason", "tasks", {200: ("the task", s.Task)}, body=s.Delegate)
@guard(TaskOf())
def delegate_task(task_id: str) -> Response:
    body = model_body(s.Delegate)
    view = _workplace().delegate(task_id, caller().actor, required_text(body, "to"), required_text(body, "reason"))
    return jsonify(task_json(view))


@bp.get("/process-instances/<int:instance_id>/comments")
@operation("An instance's comments", "instances", {200: ("the comments", page_of(s.Comment))},
           headers=NEXT_LINK, query=KEYSET_QUERY)
@guard(InstanceOf())
def list_comments(instance_id: int) -> Response:
    page, after = page_in(_workplace().comments(instance_id, caller().actor), lambda c: [c.id], limit_arg(),
                          cursor_arg())
    return page_response([_comment_json(c) for c in page], after)


@bp.post("/process-instances/<int:instance_id>/comments")
@operation("Comment on an instance (@name mentions notify)", "instances", {201: ("the comment", s.Comment)},
           body=s.NewComment)
@guard(InstanceOf())
def add_comment(instance_id: int) -> tuple[Response, int]:
    body = model_body(s.NewComment)
    return jsonify(_comment_json(_workplace().add_comment(instance_id, caller().actor,
                                                          required_text(body, "body")))), 201


def _comment_json(c: CommentView) -> dict[str, object]:
    return {"id": c.id, "instance_id": c.instance_id, "author": c.author, "body": c.body,
            "mentions": list(c.mentions), "created_at": c.created_at.isoformat() + "Z"}
