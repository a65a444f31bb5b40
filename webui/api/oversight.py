"""REST API v1 for oversight: the audit trail (administrators) and the flow-timing report (managers).

The same readers as the audit screen and the monitor (engine.audit.search,
engine.analytics.report), with the same access rules.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Response, jsonify, request

from engine import analytics, audit

from ..access import Roles, guard
from ..extensions import workflow_engine
from ..monitor.routes import PERIODS
from . import schemas as s
from .auth import needs_scope
from .describe import Query, operation
from .errors import ApiError
from .paging import NEXT_LINK, answer, page_args, page_of, page_query
from .routes import bp
from .serialize import plain, timestamp

AUDIT_SORTS = ("-at",)
AUDIT_FILTERS = (Query("actor", {"type": "string"}, "who acted (username, exactly)"),
                 Query("action", {"type": "string"}, "the start of the action: login, token., instance., ..."),
                 Query("target", {"type": "string"}, "a part of the target: instance 42, procurement.suppliers"),
                 Query("since", {"type": "string", "format": "date"}, "on or after this day (UTC)"),
                 Query("until", {"type": "string", "format": "date"}, "on or before this day (UTC)"))


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ApiError(400, f"parameter {name!r} must be a date (YYYY-MM-DD)", {name: f"got {raw!r}"}) from None


def _audit_json(row: audit.AuditRow) -> dict[str, Any]:
    return {"at": timestamp(row.at), "actor": row.actor, "address": row.address, "action": row.action,
            "target": row.target, "detail": plain(row.detail)}


@bp.get("/audit")
@guard(Roles(("admin",)))
@needs_scope("admin")
@operation("The audit trail: every action, newest first (administrators)", "oversight",
           {200: ("a page of actions", page_of(s.AuditItem))}, headers=NEXT_LINK,
           query=(*page_query(AUDIT_SORTS, "-at"), *AUDIT_FILTERS))
def audit_trail() -> Response:
    page = page_args(AUDIT_SORTS, "-at")
    since, until = _day("since"), _day("until")
    text = {k: (request.args.get(k) or "").strip()[:200] or None for k in ("actor", "action", "target")}
    query = audit.AuditQuery(actor=text["actor"], action=text["action"], target=text["target"],
                             since=datetime.combine(since, time()) if since else None,
                             until=datetime.combine(until + timedelta(days=1), time()) if until else None)
    with workflow_engine().read() as session:
        found = audit.search(session, query, page.limit, page.offset)
    return answer(found.rows, page, _audit_json, found.more)


@bp.get("/reports/flow-timing")
@guard(Roles(("manager",)))
@operation("Flow timing, as the monitor shows it (managers)", "oversight", {200: ("the report", s.FlowReport)},
           query=(Query("days", {"type": "integer", "enum": list(PERIODS), "default": 30}, "the period, in days"),
                  Query("process", {"type": "string"}, "one process only")))
def flow_timing() -> Response:
    raw = request.args.get("days", "30")
    if not raw.isdigit() or int(raw) not in PERIODS:
        raise ApiError(400, "parameter 'days' is not one of the periods",
                       {"days": f"got {raw!r}, expected one of {', '.join(map(str, PERIODS))}"})
    engine = workflow_engine()
    with engine.read() as session:
        report = analytics.report(session, engine.clock(), int(raw), request.args.get("process") or None)
    return jsonify({"since": timestamp(report.since), "process": report.process, "department": report.department,
                    "until": timestamp(report.until) if report.until else None,
                    "steps": [dataclasses.asdict(x) for x in report.steps],
                    "cycles": [dataclasses.asdict(x) for x in report.cycles],
                    "workload": [dataclasses.asdict(x) for x in report.workload],
                    "throughput": [{**dataclasses.asdict(x), "day": x.day.isoformat()} for x in report.throughput]})
