"""The inbox lists, and claiming or releasing a task."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import Conflict

from ..extensions import actor_for, db, workflow_engine
from . import bp, queries


@bp.app_context_processor
def nav_counts() -> dict[str, object]:
    """The nav badge, computed only when the nav is drawn (for a signed-in user)."""
    return {"open_task_count": lambda: queries.open_count(db.session, actor_for(current_user))}


@bp.get("/inbox")
@login_required
def index() -> str:
    actor = actor_for(current_user)
    counts = queries.counts(db.session, actor)
    tab = request.args.get("tab", "")
    if tab not in queries.TABS:
        tab = "group" if not counts["mine"] and counts["group"] else "mine"
    number = request.args.get("page", 1, type=int) or 1
    listing = queries.page(db.session, actor, tab, number, counts[tab])
    return render_template("inbox/index.html", listing=listing, counts=counts, tab=tab)


def _back(default: str) -> str:
    """Where a claim button asked to return to; same-site paths only."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> Response:
    try:
        view = workflow_engine().claim(task_id, actor_for(current_user))
    except Conflict:
        flash(_("Someone else has already claimed this task."), "error")
        return redirect(url_for("inbox.index"))
    flash(_("You claimed “%(title)s”.", title=view.title), "success")
    return redirect(_back(url_for("inbox.task", task_id=task_id)))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str) -> Response:
    try:
        view = workflow_engine().unclaim(task_id, actor_for(current_user))
    except Conflict:
        flash(_("This task is no longer open."), "error")
        return redirect(url_for("inbox.index"))
    flash(_("You released “%(title)s” back to the group.", title=view.title), "info")
    return redirect(_back(url_for("inbox.index", tab="group")))
