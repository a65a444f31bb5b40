"""Monitor views: parse the filters, ask engine.analytics, render the page or the workbook."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import ProcessInstance, analytics, behind_figures, utcnow

from ..access import Roles, guard
from ..extensions import workflow_engine
from ..formatting import day_end, day_start
from . import bp, renamed
from .workbook import workbook

PERIODS = (7, 30, 90, 365)
LONGEST_RANGE = 731  # days a chosen period may span: two years
PAGE = 50


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


@dataclass(frozen=True)
class Scope:
    """What every figure of the page, its export and its drill-downs are computed over."""

    days: int
    process: str | None
    department: str | None
    start: date | None   # a chosen period, local calendar days (OPSFLOW_TIMEZONE), both ends included
    end: date | None
    departments: list[str]

    @property
    def since(self) -> datetime | None:
        return day_start(self.start) if self.start else None

    @property
    def until(self) -> datetime | None:
        return day_end(self.end) if self.end else None

    def args(self) -> dict[str, str]:
        """The query string that gives the same scope: for the export, the drill-downs, the pager."""
        found = {"days": str(self.days), "process": self.process or "", "department": self.department or ""}
        if self.start and self.end:
            found.update({"from": self.start.isoformat(), "to": self.end.isoformat()})
        return {k: v for k, v in found.items() if v}


def _date(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("%(field)s: %(value)s is not a date (YYYY-MM-DD)", field=name, value=raw[:20]))


def _scope() -> Scope:
    days, process = _filters()
    start, end = _date("from"), _date("to")
    if (start is None) != (end is None):
        abort(400, description=_("from and to: give both dates of the period, or neither"))
    if start and end and start > end:
        abort(400, description=_("to: must be on or after from"))
    if start and end and (end - start).days >= LONGEST_RANGE:
        abort(400, description=_("to: a period of at most %(n)s days", n=LONGEST_RANGE))
    with workflow_engine().read() as session:
        departments = sorted(d for d in session.scalars(select(ProcessInstance.department).distinct()) if d)
    department = request.args.get("department") or None
    if department is not None and department not in departments:
        abort(400, description=_("department: %(d)s has no requests.", d=department[:100]))
    return Scope(days, process, department, start, end, departments)


def _report(scope: Scope) -> tuple[analytics.Report, dict[str, str]]:
    with workflow_engine().read() as session:
        now = utcnow()
        # a chosen period's per-day figures are on the people's calendar days
        offset = to_user_timezone(scope.since).utcoffset() if scope.since else None
        report = analytics.report(session, now, scope.days, scope.process, since=scope.since, until=scope.until,
                                  department=scope.department, offset=offset)
        steps, names = renamed.by_name(session, report, report.since, now)
    return dataclasses.replace(report, steps=steps), names


@bp.get("/")
@guard(Roles(("manager",)))
@login_required
def index() -> str:
    scope = _scope()
    report, names = _report(scope)
    processes = [p.key for p in workflow_engine().processes()]
    return render_template("monitor/index.html", report=report, names=names, days=scope.days,
                           process=scope.process, periods=PERIODS, processes=processes, scope=scope)


@bp.get("/export.xlsx")
@guard(Roles(("manager",)))
@login_required
def export() -> Response:
    scope = _scope()
    report, names = _report(scope)
    period = f"{scope.start}-{scope.end}" if scope.start else f"{scope.days}d"
    return send_file(workbook(report, names), as_attachment=True,
                     download_name=f"opsflow-monitor-{period}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/behind")
@guard(Roles(("manager",)))
@login_required
def behind() -> str:
    """The instances a figure counted: a KPI, a process's started or completed, a step's tasks, a day of the
    per-day chart, a person's or a group's open work."""
    scope = _scope()
    kind = request.args.get("kind", "")
    if kind not in behind_figures.KINDS:
        abort(400, description=_("kind: must be one of %(choices)s", choices=", ".join(behind_figures.KINDS)))
    step, _sep, definition = (request.args.get("step") or "").partition("~")  # a renamed step's part: id~version
    if kind == "step" and not step:
        abort(400, description=_("step: required"))
    offset = request.args.get("offset", 0, type=int)
    if offset is None or offset < 0:
        abort(400, description=_("offset: must be 0 or more"))
    since, until = scope.since or utcnow() - timedelta(days=scope.days), scope.until
    day = _date("day")
    if day is not None:
        since, until = _within_day(scope, day, since, until)
    work = _work()
    with workflow_engine().read() as session:
        rows, total, more = behind_figures.page(
            session, kind, limit=PAGE, offset=offset, since=since, until=until, process=scope.process,
            department=scope.department, step=step or None,
            definition_id=int(definition) if definition.isdigit() else None, now=utcnow(), **work)
    return render_template("monitor/behind.html", rows=rows, total=total, more=more, offset=offset, page=PAGE,
                           kind=kind, step=request.args.get("step") or "", scope=scope, since=since, day=day,
                           work=work, here=_here(day, work))


def _within_day(scope: Scope, day: date, since: datetime, until: datetime | None) -> tuple[datetime, datetime]:
    """One day of the per-day chart, as it counted it: a chosen period's days are the people's calendar days,
    the last N days' are UTC days; the period's first and last day only as far as the period reaches."""
    if scope.since:
        start, end = day_start(day), day_end(day)
    else:
        start = datetime.combine(day, datetime.min.time())
        end = start + timedelta(days=1)
    return max(start, since), end if until is None else min(end, until)


def _work() -> dict[str, Any]:
    """Whose open work a workload row counted: `owner` (a user name or a group) and whether it is claimed."""
    owner = request.args.get("owner")
    assigned = request.args.get("assigned")
    if assigned not in (None, "0", "1"):
        abort(400, description=_("assigned: must be 0 or 1"))
    return {"owner": owner, "assigned": None if assigned is None else assigned == "1",
            "late": request.args.get("late") == "1"}


def _here(day: date | None, work: dict[str, Any]) -> dict[str, str]:
    """The figure's own arguments, kept on the pager's links beside the scope's."""
    found = {"day": day.isoformat() if day else "", "owner": work["owner"] or "",
             "assigned": "" if work["assigned"] is None else str(int(work["assigned"])),
             "late": "1" if work["late"] else ""}
    return {k: v for k, v in found.items() if v}
