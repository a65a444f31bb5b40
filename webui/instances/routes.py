"""The instance page, and the requester's cancel and the administrator's retry."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import Conflict, InstanceView

from .. import auto_path, labels, step_names
from ..access import InstanceOf, Roles, guard
from ..business_data import facts
from ..extensions import actor_for, workflow_engine
from . import bp, timeline

FINISHED = frozenset({"completed", "cancelled"})


def _decider(instance: InstanceView, outcome: str) -> str | None:
    """Who made the last decision of this kind (the rejecting approver, say)."""
    decided = [t for t in instance.tasks if t.outcome == outcome and t.completed_by]
    return decided[-1].completed_by if decided else None


@bp.get("/instances/<int:instance_id>")
@guard(InstanceOf())
@login_required
def show(instance_id: int) -> str:
    engine, actor = workflow_engine(), actor_for(current_user)
    instance = engine.get(instance_id, actor)
    start_form = engine.form(instance.process, "start", instance.version)
    outcome = labels.outcome(instance.status, instance.data)
    names = step_names.of_version(instance.process, instance.version)
    return render_template(
        "instances/show.html", instance=instance, outcome=outcome, names=names,
        facts=facts(instance.data, start_form), entries=timeline.entries(instance, names, actor.is_admin),
        rejected_by=_decider(instance, "reject"), open_tasks=[t for t in instance.tasks if t.status == "open"],
        may_cancel=instance.status not in FINISHED and (actor.is_admin or instance.started_by == actor.username),
        may_retry=instance.status == "error" and actor.is_admin,
        auto=auto_path.for_process(instance.process) if instance.status == "waiting"
        and instance.data.get(auto_path.FLAG) else None,
    )


@bp.get("/instances/<int:instance_id>/diagram.bpmn")
@guard(InstanceOf())
@login_required
def diagram(instance_id: int) -> Response:
    xml = step_names.diagram_for_reader(workflow_engine().diagram(instance_id, actor_for(current_user)))
    return Response(xml, mimetype="application/xml",
                    headers={"Cache-Control": "private, max-age=300", "Vary": "Cookie, Accept-Language"})


@bp.post("/instances/<int:instance_id>/cancel")
@guard(InstanceOf())
@login_required
def cancel(instance_id: int) -> Response:
    try:
        workflow_engine().cancel(instance_id, actor_for(current_user))
        flash(_("Request #%(id)s was cancelled.", id=instance_id), "info")
    except Conflict:
        flash(_("This request has already finished."), "error")
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/retry")
@guard(Roles(("admin",)))
@login_required
def retry(instance_id: int) -> Response:
    try:
        view = workflow_engine().retry(instance_id, actor_for(current_user))
    except Conflict:
        flash(_("This request is not in error."), "error")
        return redirect(url_for("instances.show", instance_id=instance_id))
    if view.status == "error":
        flash(_("The step failed again: %(error)s", error=view.error_message or ""), "error")
    else:
        flash(_("The failed step ran again successfully."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id))
