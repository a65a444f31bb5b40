"""Language choice: the user's setting, then the session, then the browser; zh_CN first.

A page says a hundred or more things through gettext; the reader's translations are looked up once per
request (`translations`) instead of through Flask-Babel's chain of context, domain and locale each time.
"""
from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_translations
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


def translations() -> NullTranslations:
    """The reader's translations, found once per request (the language is chosen once per request too)."""
    if not has_request_context():
        return get_translations()
    found = g.get("opsflow_translations")
    if found is None:
        found = g.opsflow_translations = get_translations()
    return found


def install_template_gettext(app: Flask) -> None:
    """Let templates' `_()` and `ngettext()` use `translations`; called after Flask-Babel installed its own."""
    def gettext(text: str) -> str:
        return translations().ugettext(text)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return translations().ungettext(singular, plural, n)

    def pgettext(context: str, text: str) -> str:
        return translations().upgettext(context, text)

    def npgettext(context: str, singular: str, plural: str, n: int) -> Any:
        return translations().unpgettext(context, singular, plural, n)

    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True, pgettext=pgettext,
                                            npgettext=npgettext)
