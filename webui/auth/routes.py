"""Login, logout and the language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import Public, SignedIn, guard
from ..extensions import db
from . import login_session
from .sign_in import lock_message, seconds_left, sign_in

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a login link cannot bounce a user to another site."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("inbox.index") if "inbox" in current_app.blueprints else "/"


@bp.route("/login", methods=["GET", "POST"])
@guard(Public())
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    if request.method == "GET":
        return render_template("auth/login.html", error=None)
    if not current_app.extensions["opsflow.password_sign_in"]:
        name = current_app.extensions["opsflow.sso"].settings.name
        return render_template("auth/login.html", error=_("Signing in with a password is turned off. Sign in with "
                                                          "%(name)s.", name=name)), 403, {}
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return render_template("auth/login.html", error=_("Enter your user name and password.")), 401, {}
    attempt = sign_in(username, password)
    if attempt.user is not None:
        return redirect(safe_next(request.args.get("next")))
    if attempt.locked_until is not None:
        return (render_template("auth/login.html", error=lock_message(attempt.locked_until)), 429,
                {"Retry-After": str(seconds_left(attempt.locked_until))})
    return render_template("auth/login.html", error=_("Wrong user name or password.")), 401, {}


@bp.post("/logout")
@guard(SignedIn("their own session"))
@login_required
def logout() -> Response:
    login_session.end()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
@guard(Public())
def language() -> Response:
    chosen = request.form.get("locale", "")
    if chosen in current_app.config["LANGUAGES"]:
        session["locale"] = chosen
        if current_user.is_authenticated:
            current_user.locale = chosen
            db.session.commit()
    return redirect(safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/")
@guard(Public())
def home() -> Response:
    return redirect(safe_next(None) if current_user.is_authenticated else url_for("auth.login"))
