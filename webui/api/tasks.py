"""REST API v1 for an approver's work: the inbox with its filters, a task's form, and a saved draft.

The inbox takes the inbox screen's tabs, filters and orders (webui/inbox),
paged the API's way; values it cannot read are refused naming the parameter
rather than dropped as the screen does, since a client wants to know.
"""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy import select

from engine import ProcessDefinition, ProcessInstance, Workplace

from ..access import SignedIn, TaskOf, guard
from ..extensions import workflow_engine
from ..inbox import filters as inbox_filters
from ..inbox.queries import TABS, InboxRow, rows_from
from . import schemas as s
from .auth import caller
from .describe import Query, operation
from .errors import ApiError
from .paging import NEXT_LINK, answer, page_args, page_of, page_query
from .parse import model_body
from .routes import bp
from .serialize import plain, task_json

FILTERS = (Query("tab", {"type": "string", "enum": list(TABS), "default": "mine"},
                 "the inbox screen's tabs: the caller's own tasks, their groups' tasks, the ones they delegated, "
                 "the ones they completed"),
           Query("q", {"type": "string"}, "a part of the title or the business key"),
           Query("process", {"type": "string"}, "the process key"),
           Query("requester", {"type": "string"}, "the requester's username"),
           Query("department", {"type": "string"}, "the request's department"),
           Query("amount_min", {"type": "number"}, "at least this amount"),
           Query("amount_max", {"type": "number"}, "at most this amount"),
           Query("created_from", {"type": "string", "format": "date"}, "created on or after this day"),
           Query("created_to", {"type": "string", "format": "date"}, "created on or before this day"))


def _workplace() -> Workplace:
    return current_app.extensions["opsflow.workplace"]


def _check_filters() -> str:
    tab = request.args.get("tab", "mine")
    if tab not in TABS:
        raise ApiError(400, "parameter 'tab' is not a tab of the inbox", {"tab": f"expected one of {', '.join(TABS)}"})
    for name in ("amount_min", "amount_max"):
        raw = request.args.get(name)
        try:
            ok = raw in (None, "") or math.isfinite(float(raw))
        except ValueError:
            ok = False
        if not ok:
            raise ApiError(400, f"parameter {name!r} must be a number", {name: f"got {raw!r}"})
    for name in ("created_from", "created_to"):
        raw = request.args.get(name)
        try:
            _ = raw and date.fromisoformat(raw)
        except ValueError:
            raise ApiError(400, f"parameter {name!r} must be a date (YYYY-MM-DD)", {name: f"got {raw!r}"}) from None
    return tab


def _inbox_json(row: InboxRow) -> dict[str, Any]:
    return {"task": task_json(row.task), "summary": plain(row.summary)}


@bp.get("/inbox")
@guard(SignedIn("their own queues"))
@operation("The caller's inbox: one tab, filtered and sorted as on the inbox screen", "tasks",
           {200: ("a page of tasks", page_of(s.InboxItem))}, headers=NEXT_LINK,
           query=(*page_query(inbox_filters.SORTS, "due"), *FILTERS))
def inbox() -> Response:
    tab = _check_filters()
    page = page_args(inbox_filters.SORTS, "due")
    filters = inbox_filters.parse(request.args)
    with workflow_engine().read() as session:
        rows = rows_from(session, caller().actor, tab, filters, page.offset, page.limit + 1)
    return answer(rows, page, _inbox_json)


@bp.get("/tasks/<task_id>/form")
@guard(TaskOf())
@operation("A task's form and the caller's draft of it", "tasks", {200: ("the form", s.TaskForm)})
def task_form(task_id: str) -> Response:
    who = caller()
    task = workflow_engine().task(task_id, who.actor)
    definition = None
    if task.form:
        with workflow_engine().read() as session:
            forms = session.scalar(select(ProcessDefinition.forms).join(
                ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
                .where(ProcessInstance.id == task.instance_id))
        definition = (forms or {}).get(task.form)
    draft = _workplace().draft_with_version(task_id, who.actor)
    return jsonify({"form": task.form, "definition": definition,
                    "draft": {"data": draft[0], "version": draft[1]} if draft else None})


@bp.put("/tasks/<task_id>/draft")
@guard(TaskOf())
@operation("Save the caller's draft of a task's form (unvalidated; completing validates)", "tasks",
           {200: ("the saved draft", s.Draft)}, body=s.SaveDraft)
def save_draft(task_id: str) -> Response:
    body = model_body(s.SaveDraft)
    who = caller()
    version = _workplace().save_draft(task_id, who.actor, body["data"], body["version"])
    draft = _workplace().draft_with_version(task_id, who.actor)
    return jsonify({"data": draft[0] if draft else {}, "version": version})
