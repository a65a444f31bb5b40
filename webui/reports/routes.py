"""Reports views: list the stored reports, hand one out, queue a new one. Nothing is built in a request."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidData, Job, utcnow
from modules.reports import StoredReport, previous_month, reports_page, request_report

from ..access import Roles, guard
from ..extensions import db
from ..xlsx import XLSX_MIME, xlsx_response
from . import bp

PAGE = 20
MANAGERS = Roles(("manager",))


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        abort(400, description=_("page: must be 1 or more"))
    return page


def _status(report: StoredReport, job: Job | None) -> str:
    """What the person sees: done, or the job's state while it is queued (pending, running, failed)."""
    return report.status if report.status == "done" or job is None else job.status


@bp.get("/")
@guard(MANAGERS)
@login_required
def index() -> str:
    page = _page()
    rows, more = reports_page(db.session, page, PAGE)
    shown = [(r, j, _status(r, j)) for r, j in rows]
    return render_template("reports/index.html", rows=shown, page=page, more=more,
                           default_month=previous_month(utcnow().date()),
                           working=any(s in ("queued", "pending", "running") for _r, _j, s in shown))


@bp.get("/list.xlsx")
@guard(MANAGERS)
@login_required
def export() -> Response:
    rows, _more = reports_page(db.session, 1, 10_000)
    return xlsx_response("opsflow-reports.xlsx", _("Reports"),
                         [_("Month"), _("Status"), _("Requested by"), _("Created"), _("Finished"), _("Size")],
                         [(r.month, _status(r, j), r.requested_by, r.created_at, r.finished_at, r.size)
                          for r, j in rows])


@bp.get("/<int:report_id>/download")
@guard(MANAGERS)
@login_required
def download(report_id: int) -> Response:
    report = db.session.get(StoredReport, report_id)
    if report is None:
        abort(404, description=_("No report %(id)s", id=report_id))
    if report.status != "done" or report.content is None:
        abort(409, description=_("The report of %(month)s is still being built.", month=report.month))
    return Response(report.content, mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{report.filename}"'})


@bp.post("/request")
@guard(MANAGERS)
@login_required
def ask() -> Response:
    month = (request.form.get("month") or "").strip()
    if not month:
        abort(400, description=_("month: give a month such as 2030-01"))
    try:
        report = request_report(db.session, month, current_user.username, utcnow())
    except InvalidData:
        db.session.rollback()
        abort(400, description=_("month: %(value)s is not a month such as 2030-01", value=month[:20]))
    db.session.commit()
    flash(_("The report of %(month)s is queued; it appears here when the scheduler has built it.",
            month=report.month))
    return redirect(url_for("reports.index"))
