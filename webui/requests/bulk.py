"""Starting many requests from an Excel sheet: the template, the upload, the progress and the result sheet.

The upload is read by xlsx_read (the hostile-workbook guards), turned into requests by bulk_sheet and
queued as one `bulk_start` job: the starts run in the scheduler, never inside the web request, and
the progress page reloads itself until the job is done. Only whoever may start the process may send
a sheet; each sheet sent is in the audit log.
"""
from __future__ import annotations

from typing import IO

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine import Actor, Job, audit, bulk_start, utcnow

from .. import xlsx, xlsx_read
from ..access import BulkStartOf, StartsNamed, current_actor, guard
from ..extensions import db, workflow_engine
from ..form_fields import pick_label
from ..labels import process as process_label
from . import bp, bulk_sheet


def start_form(process: str) -> dict:
    form = workflow_engine().form(process, "start")
    if not form:
        abort(404, description=f"{process} has no start form to fill from a sheet")
    return form


def queue_sheet(process: str, form: dict, stream: IO[bytes], filename: str, actor: Actor) -> Job:
    """Read the upload, queue its requests as one job and audit it; ValueError (for the person) if it is refused.

    The page and the API both send a sheet through here.
    """
    rows = xlsx_read.read_rows(stream)
    requests = bulk_sheet.requests_from(form, rows)
    if not requests:
        raise ValueError(_("The sheet has no rows to start."))
    now = utcnow()
    job = bulk_start.queue(db.session, process, requests, actor, now, source=filename)
    db.session.flush()
    audit.record(db.session, actor.username, "instances.bulk_start", process, now, request.remote_addr,
                 job=job.id, file=filename[:200], requests=len(requests), rows=len(rows))
    db.session.commit()
    return job


def _page(process: str, form: dict, error: str | None = None) -> str:
    return render_template("requests/bulk.html", process=process, title=process_label(process),
                           form_title=pick_label(form.get("title"), process_label(process)),
                           columns=bulk_sheet.columns(form), error=error,
                           grouped=any(k == bulk_sheet.REQUEST for k, _h in bulk_sheet.columns(form)))


@bp.route("/requests/bulk/<key>", methods=["GET", "POST"])
@guard(StartsNamed("key"))
@login_required
def bulk(key: str) -> str | Response | tuple[str, int]:
    process = key
    form = start_form(process)
    if request.method == "GET":
        return _page(process, form)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(process, form, _("Choose an .xlsx file to upload.")), 400
    try:
        job = queue_sheet(process, form, upload.stream, upload.filename, current_actor())
    except ValueError as exc:
        db.session.rollback()
        return _page(process, form, str(exc)), 400
    return redirect(url_for("requests.bulk_job", job_id=job.id))


@bp.get("/requests/bulk/<key>/template.xlsx")
@guard(StartsNamed("key"))
@login_required
def bulk_template(key: str) -> Response:
    headers = [header for _k, header in bulk_sheet.columns(start_form(key))]
    return xlsx.xlsx_response(f"{key}-requests.xlsx", key, headers, [])


@bp.get("/requests/bulk/jobs/<int:job_id>")
@guard(BulkStartOf("job_id"))
@login_required
def bulk_job(job_id: int) -> str:
    job = db.session.get(Job, job_id)
    return render_template("requests/bulk_job.html", job=job, progress=bulk_start.progress(job),
                           process=job.payload["process"], title=process_label(job.payload["process"]))


@bp.get("/requests/bulk/jobs/<int:job_id>/result.xlsx")
@guard(BulkStartOf("job_id"))
@login_required
def bulk_result(job_id: int) -> Response:
    job = db.session.get(Job, job_id)
    form = workflow_engine().form(job.payload["process"], "start")
    rows = bulk_sheet.result_rows(form, job.payload.get("requests", []), bulk_start.results(job))
    return xlsx.xlsx_response(f"requests-{job_id}-result.xlsx", _("Result"), bulk_sheet.result_headers(), rows)
