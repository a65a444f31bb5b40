"""The monitor's automation figures: per month, the share decided by rule and the time it saved.

Figures from engine.automation; twelve months up to the current one, or narrowed to one process.
The table exports to Excel like every monitor list.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine import automation, utcnow

from ..access import Roles, guard
from ..extensions import workflow_engine
from ..xlsx import xlsx_response
from . import bp
from .routes import _filters

MONTHS = 12


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _last_month() -> str:
    """`to` (YYYY-MM): the last month shown; the current month by default."""
    wanted = request.args.get("to") or automation.month_of(utcnow())
    try:
        return automation.month_of(automation.month_start(wanted))
    except ValueError:
        abort(400, description=_("to: %(value)s is not a month such as 2030-01", value=wanted[:20]))


def _months(process: str | None, this_month: str) -> list[automation.AutomationMonth]:
    first = automation.month_start(automation.months_back(this_month, MONTHS - 1))
    with workflow_engine().read() as session:
        return automation.automation_by_month(session, first, automation.month_start(
            automation.next_month(this_month)), process)


@bp.get("/automation")
@guard(Roles(("manager",)))
@login_required
def automation_page() -> str:
    _days, process = _filters()
    last = _last_month()
    processes = [p.key for p in workflow_engine().processes()]
    return render_template("monitor/automation.html", months=_months(process, last), process=process,
                           processes=processes, hours=_hours, last=last)


@bp.get("/automation.xlsx")
@guard(Roles(("manager",)))
@login_required
def automation_export() -> Response:
    _days, process = _filters()
    rows = [(m.month, m.decisions, m.by_rule, m.rule_share, m.rule_approved, m.manual_approved,
             _hours(m.rule_median_s), _hours(m.manual_median_s), _hours(m.saved_s))
            for m in _months(process, _last_month())]
    return xlsx_response(f"opsflow-automation{'-' + process if process else ''}.xlsx", _("Automation"),
                         [_("Month"), _("Decisions"), _("Decided by rule"), _("Share decided by rule"),
                          _("Rule-approved"), _("Manually approved"), _("Rule median cycle (hours)"),
                          _("Manual median cycle (hours)"), _("Time saved (hours)")], rows)
