"""The bell's list: new tasks, hand-overs, mentions, decisions and overdue reminders; e-mail settings."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidData

from ..access import SignedIn, guard
from ..extensions import actor_for, workflow_engine
from . import bp


@bp.get("/notifications")
@guard(SignedIn("their own notifications"))
@login_required
def notifications() -> str:
    place = current_app.extensions["opsflow.workplace"]
    return render_template("inbox/notifications.html", items=place.notifications(current_user.username, 100))


@bp.post("/notifications/read")
@guard(SignedIn("their own notifications"))
@login_required
def read_all() -> Response:
    current_app.extensions["opsflow.workplace"].mark_read(current_user.username)
    return redirect(url_for("inbox.notifications"))


@bp.get("/notifications/<int:notification_id>")
@guard(SignedIn("their own notifications"))
@login_required
def follow(notification_id: int) -> Response:
    """Open what a notification is about, marking it read on the way."""
    place = current_app.extensions["opsflow.workplace"]
    item = next((n for n in place.notifications(current_user.username, 500) if n.id == notification_id), None)
    if item is None:
        return redirect(url_for("inbox.notifications"))
    place.mark_read(current_user.username, notification_id)
    if item.task_id and item.kind != "decision":
        return redirect(url_for("inbox.task", task_id=item.task_id))
    if item.kind == "mention" and item.instance_id:  # the thread is drawn on the task page while one is open
        instance = workflow_engine().get(item.instance_id, actor_for(current_user))
        open_task = next((t for t in instance.tasks if t.status == "open"), None)
        if open_task:
            return redirect(url_for("inbox.task", task_id=open_task.id) + "#comments")
    if item.instance_id:
        return redirect(url_for("instances.show", instance_id=item.instance_id))
    return redirect(url_for("inbox.notifications"))


@bp.post("/notifications/email")
@guard(SignedIn("their own notifications"))
@login_required
def set_email() -> Response:
    try:
        current_app.extensions["opsflow.workplace"].set_email(current_user.username, request.form.get("email"))
    except InvalidData:
        flash(_("Enter a valid e-mail address."), "error")
    else:
        flash(_("E-mail settings saved."), "success")
    return redirect(url_for("inbox.away"))
