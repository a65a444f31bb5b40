"""REST API v1: the list of process instances (filtered, sorted, paged, showing only what the caller may see),
and suspending and resuming one.

Starting, reading one, cancelling and retrying are in routes.py; the list
answers with each instance's summary (its few plain values), never its state.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from engine import ProcessDefinition, ProcessInstance

from ..access import Roles, SignedIn, guard
from ..extensions import workflow_engine
from . import schemas as s
from .auth import caller
from .describe import Query, operation
from .errors import ApiError
from .paging import NEXT_LINK, answer, page_args, page_of, page_query
from .parse import model_body
from .routes import bp
from .serialize import instance_json, plain, timestamp

SORTS = ("-created_at", "created_at", "-updated_at", "updated_at")
STATUSES = ("running", "waiting", "suspended", "completed", "cancelled", "error")
FILTERS = (Query("process", {"type": "string"}, "the process key"),
           Query("status", {"type": "string", "enum": list(STATUSES)}, "where the instance stands"),
           Query("business_key", {"type": "string"}, "the business key, exactly"),
           Query("started_by", {"type": "string"}, "the requester's username"),
           Query("created_from", {"type": "string", "format": "date"}, "started on or after this day (UTC)"),
           Query("created_to", {"type": "string", "format": "date"}, "started on or before this day (UTC)"))


def _day(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return datetime.combine(date.fromisoformat(raw), datetime.min.time())
    except ValueError:
        raise ApiError(400, f"parameter {name!r} must be a date (YYYY-MM-DD)", {name: f"got {raw!r}"}) from None


def _conditions() -> list[Any]:
    out = []
    for name in ("process", "business_key", "started_by"):
        if value := request.args.get(name, "").strip():
            column = ProcessInstance.process_key if name == "process" else getattr(ProcessInstance, name)
            out.append(column == value)
    if status := request.args.get("status"):
        if status not in STATUSES:
            raise ApiError(400, "parameter 'status' is not a status",
                           {"status": f"got {status!r}, expected one of {', '.join(STATUSES)}"})
        out.append(ProcessInstance.status == status)
    if (start := _day("created_from")) is not None:
        out.append(ProcessInstance.created_at >= start)
    if (end := _day("created_to")) is not None:
        out.append(ProcessInstance.created_at < end + timedelta(days=1))
    return out


def summary_json(row: Any) -> dict[str, Any]:
    inst, name, version = row
    return {"id": inst.id, "process": inst.process_key, "process_name": name, "version": version,
            "status": inst.status, "business_key": inst.business_key, "started_by": inst.started_by,
            "created_at": timestamp(inst.created_at), "updated_at": timestamp(inst.updated_at),
            "ended_at": timestamp(inst.ended_at), "summary": plain(inst.summary or {}),
            "error": {"message": inst.error_message, "task": inst.error_task} if inst.error_message else None}


@bp.get("/process-instances")
@guard(SignedIn("the instances the policy lets the caller see"))
@operation("The instances the caller may see, newest first unless sorted otherwise", "instances",
           {200: ("a page of instances", page_of(s.InstanceSummary))},
           headers=NEXT_LINK, query=(*page_query(SORTS, "-created_at"), *FILTERS))
def list_instances() -> Response:
    page = page_args(SORTS, "-created_at")
    wanted = _conditions()
    column = ProcessInstance.updated_at if "updated" in page.sort else ProcessInstance.created_at
    direction = [column.desc(), ProcessInstance.id.desc()] if page.sort.startswith("-") else [column,
                                                                                             ProcessInstance.id]
    engine = workflow_engine()
    with engine.read() as session:
        query = (select(ProcessInstance, ProcessDefinition.name, ProcessDefinition.version)
                 .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                 .where(engine.policy.visible_instances(session, caller().actor), *wanted)
                 .order_by(*direction).offset(page.offset).limit(page.limit + 1))
        return answer(list(session.execute(query)), page, summary_json)


@bp.post("/process-instances/<int:instance_id>/suspend")
@guard(Roles(("admin",)))
@operation("Hold an instance: its tasks, timers and messages wait until it is resumed (administrators)",
           "instances", {200: ("the instance", s.Instance)}, body=s.InstanceCommand)
def suspend_instance(instance_id: int) -> Response:
    revision = model_body(s.InstanceCommand).get("revision")
    view = workflow_engine().suspend(instance_id, caller().actor, revision)
    return jsonify(instance_json(workflow_engine().get(view.id, caller().actor)))


@bp.post("/process-instances/<int:instance_id>/resume")
@guard(Roles(("admin",)))
@operation("Let a suspended instance go on (administrators)", "instances", {200: ("the instance", s.Instance)},
           body=s.InstanceCommand)
def resume_instance(instance_id: int) -> Response:
    revision = model_body(s.InstanceCommand).get("revision")
    view = workflow_engine().resume(instance_id, caller().actor, revision)
    return jsonify(instance_json(workflow_engine().get(view.id, caller().actor)))
