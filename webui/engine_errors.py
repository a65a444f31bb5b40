"""Engine refusals become the app's error pages, in the reader's language.

Registered per blueprint (not app-wide) so the REST API keeps answering
these same exceptions with JSON of its own.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from engine import Forbidden, NotFound


def _forbidden(exc: Forbidden) -> tuple[str, int]:
    return render_template("error.html", code=403, message=_("Forbidden"),
                           detail=_("You do not have access to this page.")), 403


def _not_found(exc: NotFound) -> tuple[str, int]:
    return render_template("error.html", code=404, message=_("Not found"),
                           detail=_("This item does not exist.")), 404


def register(bp: Blueprint) -> None:
    bp.register_error_handler(Forbidden, _forbidden)
    bp.register_error_handler(NotFound, _not_found)

