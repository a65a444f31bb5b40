"""The account page: who you are, a new password, and signing out on every browser."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import MIN_PASSWORD_LENGTH, InvalidData, WeakPassword, change_password

from ..access import SignedIn, guard
from ..auth import login_session
from ..auth.sign_in import keys_for, lock_message, throttle
from ..extensions import db
from . import bp

POLICY_RULES = {
    "too_short": _l("The password must be at least %(num)d characters long.", num=MIN_PASSWORD_LENGTH),
    "too_long": _l("The password is too long."),
    "user_name": _l("The password must not contain your user name."),
    "common": _l("This password is one of the most common ones; choose another."),
}


def render_account(errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    sessions = login_session.login_sessions()
    return render_template("account/index.html", errors=errors or {}, sessions=sessions.count(current_user.id),
                           idle=sessions.limits.idle.total_seconds(), lifetime=sessions.limits.lifetime.total_seconds(),
                           min_length=MIN_PASSWORD_LENGTH), status


@bp.get("/")
@guard(SignedIn("their own account"))
@login_required
def index() -> tuple[str, int]:
    return render_account()


@bp.post("/password")
@guard(SignedIn("their own password"))
@login_required
def password() -> Response | tuple[str, int]:
    """Change your own password: this browser stays signed in, every other one is signed out."""
    keys = keys_for(current_user.username)
    if (until := throttle().locked_until(keys)) is not None:
        return render_account({"current_password": lock_message(until)}, 429)
    current, new = request.form.get("current_password", ""), request.form.get("new_password", "")
    if new != request.form.get("repeat_password", ""):
        return render_account({"repeat_password": _("The two new passwords differ.")}, 422)
    try:
        change_password(db.session, current_user, current, new)
    except WeakPassword as exc:
        db.session.rollback()
        return render_account({"new_password": str(POLICY_RULES[exc.rule])}, 422)
    except InvalidData:
        db.session.rollback()
        until = throttle().record_failure(keys)  # a wrong current password counts like a wrong sign-in
        return render_account({"current_password": lock_message(until) if until else
                               _("This is not your current password.")}, 429 if until else 422)
    user = current_user._get_current_object()
    db.session.commit()
    login_session.begin(user)
    flash(_("Your password is changed. Every other browser is signed out."), "info")
    return redirect(url_for(".index"))


@bp.post("/sign-out-everywhere")
@guard(SignedIn("their own sessions"))
@login_required
def sign_out_everywhere() -> Response:
    login_session.login_sessions().end_all(current_user.id)
    login_session.end()
    flash(_("You are signed out on every browser."), "info")
    return redirect(url_for("auth.login"))
