"""Out of office: a person names a deputy for a date range (the engine moves and shows the work)."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidData, NotFound

from ..access import SignedIn, guard
from ..extensions import actor_for
from . import bp
from .task import _people


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


@bp.get("/away")
@guard(SignedIn("their own absences"))
@login_required
def away() -> str:
    place = current_app.extensions["opsflow.workplace"]
    return render_template("inbox/away.html", absences=place.absences(current_user.username),
                           people=[p for p in _people() if p.username != current_user.username],
                           email=place.email_of(current_user.username), errors={})


@bp.post("/away")
@guard(SignedIn("their own absences"))
@login_required
def set_away() -> Response | tuple[str, int]:
    place = current_app.extensions["opsflow.workplace"]
    starts, ends = _day(request.form.get("starts_on")), _day(request.form.get("ends_on"))
    errors: dict[str, str] = {}
    if starts is None:
        errors["starts_on"] = _("Enter a date (YYYY-MM-DD).")
    if ends is None:
        errors["ends_on"] = _("Enter a date (YYYY-MM-DD).")
    if not errors:
        try:
            place.set_absence(actor_for(current_user), request.form.get("deputy", ""), starts, ends,
                              request.form.get("reason", ""))
        except InvalidData as exc:
            texts = {"deputy": _("Choose someone else who can sign in."),
                     "ends_on": _("The last day must not be before the first day.")}
            errors = {k: texts.get(k, v) for k, v in exc.errors.items()}
    if errors:
        return render_template("inbox/away.html", absences=place.absences(current_user.username),
                               people=[p for p in _people() if p.username != current_user.username],
                               email=place.email_of(current_user.username), errors=errors,
                               form=request.form), 422
    flash(_("Your deputy is set. Tasks assigned to you while you are away go to them."), "success")
    return redirect(url_for("inbox.away"))


@bp.post("/away/<int:absence_id>/end")
@guard(SignedIn("their own absences"))
@login_required
def end_away(absence_id: int) -> Response:
    try:
        current_app.extensions["opsflow.workplace"].end_absence(actor_for(current_user), absence_id)
    except NotFound:
        flash(_("This absence does not exist."), "error")
    else:
        flash(_("Welcome back: your absence has ended."), "info")
    return redirect(url_for("inbox.away"))
