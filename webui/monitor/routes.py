"""Monitor views: parse the filters, ask engine.analytics, render the page or the workbook."""
from __future__ import annotations

import dataclasses

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import analytics, utcnow

from ..access import Roles, guard
from ..extensions import workflow_engine
from . import bp, renamed
from .workbook import workbook

PERIODS = (7, 30, 90, 365)


def _filters() -> tuple[int, str | None]:
    if not (current_user.has_role("manager") or current_user.has_role("admin")):
        abort(403, description=_("The monitor is for managers and administrators."))
    try:
        days = int(request.args.get("days", 30))
    except ValueError:
        abort(400, description=_("days must be one of %(choices)s", choices=", ".join(map(str, PERIODS))))
    if days not in PERIODS:
        abort(400, description=_("days must be one of %(choices)s", choices=", ".join(map(str, PERIODS))))
    return days, request.args.get("process") or None


def _report(days: int, process: str | None) -> tuple[analytics.Report, dict[str, str]]:
    with workflow_engine().read() as session:
        now = utcnow()
        report = analytics.report(session, now, days, process)
        steps, names = renamed.by_name(session, report, report.since, now)
    return dataclasses.replace(report, steps=steps), names


@bp.get("/")
@guard(Roles(("manager",)))
@login_required
def index() -> str:
    days, process = _filters()
    report, names = _report(days, process)
    processes = [p.key for p in workflow_engine().processes()]
    return render_template("monitor/index.html", report=report, names=names, days=days, process=process,
                           periods=PERIODS, processes=processes)


@bp.get("/export.xlsx")
@guard(Roles(("manager",)))
@login_required
def export() -> Response:
    days, process = _filters()
    report, names = _report(days, process)
    return send_file(workbook(report, names), as_attachment=True,
                     download_name=f"opsflow-monitor-{days}d.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
