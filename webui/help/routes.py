"""Help pages: the manuals for every role, the reader's own roles first."""
from __future__ import annotations

import re

from flask import abort, render_template, send_from_directory, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..access import SignedIn, guard
from ..form_fields import locale_key
from . import bp
from .manual import ROLES, SCREENSHOTS, Role, read, render, role_named, source, title

PICTURE = re.compile(r"[a-z0-9-]+\.jpg")


def _language() -> str:
    return "zh_CN" if locale_key() == "zh_CN" else "en"


def _text(role: Role) -> str:
    path = source(_language(), role)
    return read(path, path.stat().st_mtime)


def _is_mine(role: Role) -> bool:
    return role.role is None or current_user.has_role(role.role)


@bp.get("/")
@guard(SignedIn("the manuals, the same for everyone"))
def index() -> str:
    manuals = sorted(({"name": r.name, "title": title(_text(r)), "mine": _is_mine(r)} for r in ROLES),
                     key=lambda m: not m["mine"])
    return render_template("help/index.html", manuals=manuals)


@bp.get("/<name>")
@guard(SignedIn("the manuals, the same for everyone"))
def page(name: str) -> str:
    role = role_named(name)
    if role is None:
        abort(404)
    language = _language()
    text = _text(role)
    body = render(text, lambda picture: url_for("help.picture", language=language, name=picture),
                  lambda other: url_for("help.page", name=other))
    return render_template("help/page.html", title=title(text), body=Markup(body),
                           manuals=[{"name": r.name, "title": title(_text(r))} for r in ROLES], current=role.name)


@bp.get("/screenshots/<language>/<name>")
@guard(SignedIn("the manuals' pictures"))
def picture(language: str, name: str) -> Response:
    if language not in ("en", "zh_CN") or not PICTURE.fullmatch(name):
        abort(404)
    return send_from_directory(SCREENSHOTS / language, name, max_age=3600)
