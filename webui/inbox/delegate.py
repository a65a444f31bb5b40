"""Handing a task to someone else, with a reason (the engine checks who may, and audits it)."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import Conflict, InvalidData

from ..access import TaskOf, guard
from ..extensions import actor_for
from ..formatting import person
from . import bp


def _message(field: str, message: str, to: str) -> str:
    """The engine's refusal in the reader's language."""
    if field == "reason":
        return _("Give a reason.")
    if "not a known active user" in message:
        return _("%(who)s is not a known active user.", who=to) if to else _("Choose someone to hand the task to.")
    if "may not decide" in message:
        return _("The requester may not decide on their own request.")
    if "already assigned" in message:
        return _("The task is already assigned to this person.")
    return message


@bp.post("/tasks/<task_id>/delegate")
@guard(TaskOf())
@login_required
def delegate(task_id: str) -> Response:
    place = current_app.extensions["opsflow.workplace"]
    to = request.form.get("to", "").strip()
    try:
        view = place.delegate(task_id, actor_for(current_user), to, request.form.get("reason", ""))
    except InvalidData as exc:
        for field, message in exc.errors.items():
            flash(_message(field, message, to), "error")
        return redirect(url_for("inbox.task", task_id=task_id))
    except Conflict:
        flash(_("This task is no longer open."), "error")
        return redirect(url_for("inbox.index"))
    flash(_("“%(title)s” was handed to %(who)s.", title=view.title, who=person(view.assignee)), "success")
    return redirect(url_for("inbox.index", tab="delegated"))
