"""REST API v1 for the workplace: hand a task to someone, read and write a request's comments."""
from __future__ import annotations

from flask import current_app, jsonify
from werkzeug.wrappers import Response

from engine import CommentView, Workplace

from ..access import InstanceOf, TaskOf, guard
from .auth import caller
from .paging import cursor_arg, limit_arg, page_of, page_response
from .parse import json_body, required_text
from .routes import bp
from .serialize import task_json

DELEGATE_FIELDS = frozenset({"to", "reason"})
COMMENT_FIELDS = frozenset({"body"})


def _workplace() -> Workplace:
    return current_app.extensions["opsflow.workplace"]


@bp.post("/tasks/<task_id>/delegate")
@guard(TaskOf())
def delegate_task(task_id: str) -> Response:
    body = json_body(DELEGATE_FIELDS)
    view = _workplace().delegate(task_id, caller().actor, required_text(body, "to"), required_text(body, "reason"))
    return jsonify(task_json(view))


@bp.get("/process-instances/<int:instance_id>/comments")
@guard(InstanceOf())
def list_comments(instance_id: int) -> Response:
    page, after = page_of(_workplace().comments(instance_id, caller().actor), lambda c: [c.id], limit_arg(),
                          cursor_arg())
    return page_response([_comment_json(c) for c in page], after)


@bp.post("/process-instances/<int:instance_id>/comments")
@guard(InstanceOf())
def add_comment(instance_id: int) -> tuple[Response, int]:
    body = json_body(COMMENT_FIELDS)
    return jsonify(_comment_json(_workplace().add_comment(instance_id, caller().actor,
                                                          required_text(body, "body")))), 201


def _comment_json(c: CommentView) -> dict[str, object]:
    return {"id": c.id, "instance_id": c.instance_id, "author": c.author, "body": c.body,
            "mentions": list(c.mentions), "created_at": c.created_at.isoformat() + "Z"}
