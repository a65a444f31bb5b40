"""New purchase request, and the requester's own list."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidData

from .. import auto_path
from ..access import SignedIn, Starts, guard
from ..extensions import actor_for, db, workflow_engine
from ..form_fields import fields, pick_label, submitted
from . import bp, queries

PROCESS = "purchase_approval"
FIXED = "department"  # the engine takes it from the signed-in user (`from_requester`), never from the form


def amount(values: Mapping[str, Any]) -> float | None:
    """The same figure the flow computes (quantity × unit price summed over the lines), for the preview."""
    try:
        total = sum(round(int(line["quantity"]) * round(float(line["unit_price"]), 2), 2)
                    for line in values.get("lines") or [])
    except (KeyError, TypeError, ValueError):
        return None
    return round(total, 2) or None


def _page(values: Mapping[str, Any] | None = None, errors: Mapping[str, str] | None = None) -> str:
    form = workflow_engine().form(PROCESS, "start")
    fixed = next((f for f in fields(form, {FIXED: current_user.department}, errors) if f.name == FIXED), None)
    return render_template(
        "requests/new.html", title=pick_label((form or {}).get("title"), _("New purchase request")),
        fields=fields(form, values, errors, skip=[FIXED]), department=fixed,
        amount=amount(values or {}), general_error=(errors or {}).get("data"), auto=auto_path.for_process(PROCESS),
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@guard(Starts("purchase_approval"))
@login_required
def new() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return _page()
    data = submitted(workflow_engine().form(PROCESS, "start"), request.form)
    try:
        view = workflow_engine().start(PROCESS, data, actor_for(current_user))
    except InvalidData as exc:
        return _page(data, exc.errors), 422
    flash(_("Your request #%(id)s was submitted for approval.", id=view.id), "success")
    return redirect(url_for("instances.show", instance_id=view.id))


@bp.get("/requests")
@guard(SignedIn("the requests they filed"))
@login_required
def index() -> str:
    number = request.args.get("page", 1, type=int) or 1
    listing = queries.started_by(db.session, current_user.username, number)
    return render_template("requests/index.html", listing=listing)
