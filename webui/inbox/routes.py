"""The inbox lists (filtered, sorted, searched, saved), claiming or releasing, bulk approval, export."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from engine import Conflict, SavedFilter, Workplace, unread_count

from .. import step_names
from ..access import SignedIn, TaskOf, guard
from ..extensions import actor_for, db, workflow_engine
from . import bp, export, queries
from .filters import parse


def workplace() -> Workplace:
    return current_app.extensions["opsflow.workplace"]


@bp.app_context_processor
def nav_counts() -> dict[str, object]:
    """The nav badges, computed only when the nav is drawn (for a signed-in user)."""
    return {"open_task_count": lambda: g.get("open_task_count", None) or queries.open_count(db.session,
                                                                                    actor_for(current_user)),
            "unread_notification_count": lambda: unread_count(db.session, current_user.username)}


def _saved(username: str) -> list[SavedFilter]:
    return list(db.session.scalars(select(SavedFilter).where(SavedFilter.username == username)
                                   .order_by(SavedFilter.name)))


@bp.get("/inbox")
@guard(SignedIn("their own queues"))
@login_required
def index() -> str:
    actor = actor_for(current_user)
    filters = parse(request.args)
    counts = queries.counts(db.session, actor, filters)
    if not filters.active:
        g.open_task_count = counts["mine"] + counts["group"]  # the nav badge's figure, already counted
    tab = request.args.get("tab", "")
    if tab not in queries.TABS:
        tab = "group" if not counts["mine"] and counts["group"] else "mine"
    number = request.args.get("page", 1, type=int) or 1
    listing = queries.page(db.session, actor, tab, number, counts[tab], filters)
    bulk = workplace().bulk_capable([r.task.id for r in listing.rows]) if tab in ("mine", "group") else set()
    processes = sorted({d.key for d in workflow_engine().processes()})
    names = step_names.of_instances({r.task.instance_id for r in listing.rows})
    handed = workplace().handed_to(actor.username, [r.task.id for r in listing.rows]) if tab == "mine" else {}
    return render_template("inbox/index.html", listing=listing, counts=counts, tab=tab, filters=filters,
                           bulk=bulk, saved=_saved(actor.username), processes=processes, names=names,
                           handed=handed)


@bp.get("/inbox/export.xlsx")
@guard(SignedIn("their own queues"))
@login_required
def export_xlsx() -> Response:
    actor = actor_for(current_user)
    tab = request.args.get("tab", "mine")
    tab = tab if tab in queries.TABS else "mine"
    rows = queries.all_rows(db.session, actor, tab, parse(request.args))
    return export.workbook_response(rows, tab)


@bp.post("/inbox/filters")
@guard(SignedIn("their own saved filters"))
@login_required
def save_filter() -> Response:
    name = request.form.get("name", "").strip()[:100]
    query = request.form.get("query", "")[:2000]
    if not name:
        flash(_("Give the filter a name."), "error")
        return redirect(url_for("inbox.index") + ("?" + query if query else ""))
    username = current_user.username
    row = db.session.scalar(select(SavedFilter).where(SavedFilter.username == username, SavedFilter.name == name))
    db.session.add(row or SavedFilter(username=username, name=name, query=query))
    if row:
        row.query = query
    db.session.commit()
    flash(_("Filter “%(name)s” saved.", name=name), "success")
    return redirect(url_for("inbox.index") + ("?" + query if query else ""))


@bp.post("/inbox/filters/<int:filter_id>/delete")
@guard(SignedIn("their own saved filters"))
@login_required
def delete_filter(filter_id: int) -> Response:
    db.session.execute(delete(SavedFilter).where(SavedFilter.id == filter_id,
                                                 SavedFilter.username == current_user.username))
    db.session.commit()
    flash(_("Filter deleted."), "info")
    return redirect(url_for("inbox.index"))


@bp.post("/inbox/bulk-approve")
@guard(SignedIn("the engine checks each task"))
@login_required
def bulk_approve() -> Response:
    ids = [i for i in request.form.getlist("task") if i][:500]
    if not ids:
        flash(_("Select the tasks to approve first."), "error")
        return redirect(_back(url_for("inbox.index")))
    results = workplace().bulk_approve(ids, actor_for(current_user), request.form.get("comment", ""))
    done = [r for r in results if r.ok]
    if done:
        flash(_("Approved %(n)s task(s).", n=len(done)), "success")
    for r in results:
        if not r.ok:
            flash(_("Not approved: %(title)s (%(error)s)", title=r.title or r.task_id, error=r.error), "error")
    return redirect(_back(url_for("inbox.index")))


def _back(default: str) -> str:
    """Where a form asked to return to; same-site paths only."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.post("/tasks/<task_id>/claim")
@guard(TaskOf())
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
@guard(TaskOf())
@login_required
def unclaim(task_id: str) -> Response:
    try:
        view = workflow_engine().unclaim(task_id, actor_for(current_user))
    except Conflict:
        flash(_("This task is no longer open."), "error")
        return redirect(url_for("inbox.index"))
    flash(_("You released “%(title)s” back to the group.", title=view.title), "info")
    return redirect(_back(url_for("inbox.index", tab="group")))
