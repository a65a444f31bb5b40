"""Incidents: jobs that ran out of attempts and instances stopped in error; retry or skip, audited."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import Conflict, ProcessInstance

from .. import step_names
from ..access import Roles, guard
from ..extensions import workflow_engine
from ..step_names import step_name
from ..xlsx import xlsx_response
from . import bp
from .access import admin, scheduler

SHOWN = 200  # the newest; the page says when there are more (the export has the failed jobs whole)


@bp.get("/incidents")
@guard(Roles(("admin",)))
@login_required
def incidents() -> str:
    admin()
    engine = workflow_engine()
    with engine.read() as session:
        failed_instances = list(session.scalars(select(ProcessInstance).where(ProcessInstance.status == "error")
                                                .order_by(ProcessInstance.updated_at.desc()).limit(SHOWN + 1)))
    jobs = scheduler().runner.incidents(limit=SHOWN + 1)
    return render_template("admin/incidents.html", jobs=jobs[:SHOWN], instances=failed_instances[:SHOWN],
                           more_jobs=len(jobs) > SHOWN, more_instances=len(failed_instances) > SHOWN, shown=SHOWN,
                           job_names=step_names.of_instances({j.instance_id for j in jobs if j.instance_id}),
                           instance_names={i.id: step_names.of_definition(i.definition_id) for i in failed_instances})


@bp.post("/incidents/jobs/<int:job_id>/<any(retry, skip):action>")
@guard(Roles(("admin",)))
@login_required
def job_action(job_id: int, action: str) -> Response:
    actor = admin()
    runner = scheduler().runner
    try:
        (runner.retry if action == "retry" else runner.skip)(job_id, actor)
        flash(_("Job #%(id)s will run again.", id=job_id) if action == "retry"
              else _("Job #%(id)s was skipped.", id=job_id), "info")
    except Conflict:
        flash(_("Job #%(id)s is no longer an incident.", id=job_id), "error")
    return redirect(url_for("admin.incidents"))


@bp.get("/incidents/export.xlsx")
@guard(Roles(("admin",)))
@login_required
def export_incidents() -> Response:
    """The failed jobs as a workbook, for the operators who work through them."""
    admin()
    jobs = scheduler().runner.incidents(limit=10000)
    names = step_names.of_instances({j.instance_id for j in jobs if j.instance_id})
    rows = [(job.id, job.kind, step_name(job.payload.get("element"), names.get(job.instance_id))
             if job.payload.get("element") else "", job.instance_id, job.attempts, job.max_attempts,
             job.last_error or "", job.finished_at) for job in jobs]
    return xlsx_response("incidents.xlsx", _("Failed jobs"),
                         ["#", _("Kind"), _("Step"), _("Request"), _("Attempts"), _("Max attempts"), _("Error"),
                          _("Failed at")], rows)
