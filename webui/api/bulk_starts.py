"""Sheets of starts over the API: POST a workbook for a process, then follow the job until it is done.

The same path as the page (webui/requests/bulk.py): the hostile-workbook guards, one request per row
(or per request key), each checked and started by the scheduler as its own instance, audited.
"""
from __future__ import annotations

from flask import jsonify, request, url_for
from werkzeug.wrappers import Response

from engine import Job, bulk_start

from ..access import BulkStartOf, StartsNamed, guard
from ..extensions import db, workflow_engine
from ..requests.bulk import queue_sheet
from . import schemas as s
from .auth import caller
from .describe import operation
from .errors import ApiError
from .routes import bp


def _answer(job: Job) -> dict:
    progress = bulk_start.progress(job)
    return {**{k: progress[k] for k in ("id", "status", "total", "done", "started", "failed", "finished")},
            "process": job.payload["process"], "results": bulk_start.results(job)}


@bp.post("/processes/<key>/bulk-starts")
@operation("Start many instances from an Excel sheet of the start form's fields (a job; follow its Location)",
           "instances", {202: ("the job, queued", s.BulkStart)}, headers={202: {"Location": "the job's URL"}},
           upload={"type": "object", "required": ["file"],
                   "properties": {"file": {"type": "string", "format": "binary",
                                           "description": "the .xlsx, laid out as the page's template"}}})
@guard(StartsNamed("key"))
def start_from_sheet(key: str) -> tuple[Response, int, dict[str, str]]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, "missing field 'file'", {"file": "send the workbook as a multipart part named file"})
    form = workflow_engine().form(key, "start")
    if not form:
        raise ApiError(404, f"{key} has no start form to fill from a sheet", {})
    try:
        job = queue_sheet(key, form, upload.stream, upload.filename, caller().actor)
    except ValueError as exc:
        db.session.rollback()
        raise ApiError(400, "the workbook is refused", {"file": str(exc)}) from None
    return jsonify(_answer(job)), 202, {"Location": url_for(".get_bulk_start", job_id=job.id)}


@bp.get("/bulk-starts/<int:job_id>")
@operation("A sheet of starts: its progress and each request's instance or errors", "instances",
           {200: ("the job", s.BulkStart)})
@guard(BulkStartOf("job_id"))
def get_bulk_start(job_id: int) -> Response:
    return jsonify(_answer(db.session.get(Job, job_id)))
