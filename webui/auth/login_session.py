"""The browser's half of a login session: a random key in the signed cookie, checked on every page.

The server's half is a row of `engine.LoginSessions`; a cookie whose row is
gone (signed out, signed out everywhere, password changed, user deactivated,
idle or too old) signs nobody in, however validly it is signed.
"""
from __future__ import annotations

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from engine import LoginSessions, User

from ..extensions import db

SESSION_KEY = "sid"
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", SESSION_KEY)


def login_sessions() -> LoginSessions:
    return current_app.extensions["opsflow.login_sessions"]


def begin(user: User) -> None:
    """Sign this browser in: a fresh cookie (nothing kept from before but the language) and a new row."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[SESSION_KEY] = login_sessions().start(user.id)
    login_user(user)


def end() -> None:
    """Sign this browser out; the cookie's key stops working on any copy of the cookie too."""
    key = session.get(SESSION_KEY)
    if key:
        login_sessions().end(key)
    logout_user()
    _forget()


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of a live session whose key this cookie carries."""
    key = session.get(SESSION_KEY)
    owner = login_sessions().resume(key) if isinstance(key, str) else None
    user = db.session.get(User, owner) if owner is not None and str(owner) == user_id else None
    if user is not None and user.active:
        return user
    if owner is not None:
        login_sessions().end(key)
    _forget()
    flash(_("Your session has ended. Please sign in again."), "info")
    return None


def check_early() -> None:
    """Resolve the signed-in user before the view runs, so a session that ended never reaches it.

    The API authenticates with tokens only and never looks at this cookie.
    """
    if request.endpoint not in (None, "static") and request.blueprint != "api":
        current_user._get_current_object()  # runs load_user now


def _forget() -> None:
    for name in _LOGIN_KEYS:
        session.pop(name, None)
