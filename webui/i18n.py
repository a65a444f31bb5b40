"""Language choice: the user's setting, then the session, then the browser; zh_CN first."""
from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if not chosen and getattr(current_user, "is_authenticated", False):
        chosen = current_user.locale
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best in ("zh", "zh_CN"):
        return "zh_CN"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]
