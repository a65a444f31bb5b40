"""The audit screen: search every action (the audit log and the event log as one), page, export.

Read-only by design: there is no route that edits or deletes an entry, and the database refuses it.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine import audit

from ..access import Roles, guard
from ..extensions import db
from ..formatting import day_end, day_start
from ..xlsx import xlsx_response
from . import bp

PAGE = 50
EXPORT_CAP = 100_000
ACTIONS = ("login", "token.", "access.", "records.", "export", "definition.", "rules.", "instance.", "admin.")


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("%(field)s: not a date (YYYY-MM-DD)", field=name))


def _query() -> audit.AuditQuery:
    since, until = _day("since"), _day("until")
    text = {k: (request.args.get(k) or "").strip()[:200] or None for k in ("actor", "action", "target")}
    return audit.AuditQuery(actor=text["actor"], action=text["action"], target=text["target"],
                            since=day_start(since) if since else None, until=day_end(until) if until else None)


def _filters() -> dict[str, Any]:
    return {k: request.args[k] for k in ("actor", "action", "target", "since", "until") if request.args.get(k)}


@bp.get("/audit")
@guard(Roles(("admin",)))
@login_required
def audit_log() -> str:
    offset = request.args.get("offset", 0, type=int) or 0
    if offset < 0:
        abort(400, description=_("offset: must be 0 or more"))
    found = audit.search(db.session, _query(), PAGE, offset)
    return render_template("admin/audit.html", page=found, filters=_filters(), actions=ACTIONS, size=PAGE)


@bp.get("/audit/export.xlsx")
@guard(Roles(("admin",)))
@login_required
def export_audit() -> Response:
    rows = ((r.at, r.actor, r.address or "", r.action, r.target, _detail(r.detail))
            for r in audit.all_rows(db.session, _query(), EXPORT_CAP))
    return xlsx_response("audit.xlsx", _("Audit log"),
                         [_("Time"), _("Who"), _("Address"), _("Action"), _("Target"), _("What changed")], rows)


def _detail(detail: dict[str, Any]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in detail.items())[:30000]
