"""Comments and attachments on a request, posted from its task page.

Both go through the engine's visibility rule: whoever may not see the
instance gets 403 (or 404 for what does not exist) on these URLs too.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidData

from ..access import InstanceOf, guard
from ..extensions import actor_for
from . import bp


def _back(instance_id: int) -> str:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("instances.show", instance_id=instance_id)


@bp.post("/instances/<int:instance_id>/comments")
@guard(InstanceOf())
@login_required
def comment(instance_id: int) -> Response:
    place = current_app.extensions["opsflow.workplace"]
    try:
        view = place.add_comment(instance_id, actor_for(current_user), request.form.get("body", ""))
    except InvalidData:
        flash(_("Write a comment first (at most 5,000 characters)."), "error")
        return redirect(_back(instance_id))
    if view.mentions:
        flash(_("Comment added; %(n)s person(s) notified.", n=len(view.mentions)), "success")
    else:
        flash(_("Comment added."), "success")
    return redirect(_back(instance_id) + "#comments")


@bp.post("/instances/<int:instance_id>/attachments")
@guard(InstanceOf())
@login_required
def upload(instance_id: int) -> Response:
    place = current_app.extensions["opsflow.workplace"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(_back(instance_id))
    try:
        view = place.attach(instance_id, actor_for(current_user), upload.filename, upload.stream)
    except InvalidData as exc:
        message = exc.errors.get("file", "")
        if "larger than" in message:
            text = _("The file is too large (at most %(mb)s MB).", mb=place.max_upload // (1024 * 1024))
        elif "not allowed" in message:
            text = _("This type of file is not allowed.")
        else:
            text = _("The file is empty or has no name.")
        flash(text, "error")
        return redirect(_back(instance_id))
    flash(_("Attached %(name)s.", name=view.filename), "success")
    return redirect(_back(instance_id) + "#attachments")


@bp.get("/instances/<int:instance_id>/attachments/<int:attachment_id>")
@guard(InstanceOf())
@login_required
def download(instance_id: int, attachment_id: int) -> Response:
    place = current_app.extensions["opsflow.workplace"]
    view, path = place.attachment(instance_id, attachment_id, actor_for(current_user))
    return send_file(path, mimetype=view.content_type, as_attachment=True, download_name=view.filename,
                     max_age=0)
