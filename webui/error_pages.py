"""HTTP error pages in the reader's language.

A page names the error and says in a sentence what happened. Where the view gave its own reason (abort(404,
description=_("…"))), that reason is shown: it is already translated. Where it gave none, Werkzeug's English
description would show under a Chinese title, so the page says our own sentence instead. /api/ (and JSON clients)
keep their JSON body: a stable English `error` and the detail as it was.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l

# code → (the JSON error, kept stable for clients — None: Werkzeug's name in lower case, as the API words it;
# the page's title; the page's sentence when the view gave none)
PAGES: dict[int, tuple[str | None, Any, Any]] = {
    400: ("Bad request", _l("Bad request"), _l("The request could not be understood. Check what was entered.")),
    401: (None, _l("Sign-in needed"), _l("Sign in to see this page.")),
    403: ("Forbidden", _l("Forbidden"), _l("You do not have permission to see this page.")),
    404: ("Not found", _l("Not found"), _l("This page does not exist. The link may be out of date.")),
    405: (None, _l("Method not allowed"), _l("This page cannot be used that way.")),
    409: ("Conflict", _l("Conflict"), _l("Someone else changed this in the meantime. Reload and try again.")),
    413: ("Upload too large", _l("Upload too large"), _l("The upload is larger than this server accepts.")),
    422: ("Invalid data", _l("Invalid data"), _l("Some of what was entered is not valid.")),
    429: (None, _l("Too many requests"), _l("Too many attempts. Wait a little and try again.")),
    500: ("Internal error", _l("Internal error"),
          _l("Something went wrong on the server. The error has been logged; try again later.")),
}


def _detail(exc: Any, default: Any) -> Any:
    """The view's own reason, or our sentence where only Werkzeug's English default is there."""
    detail = getattr(exc, "description", None)
    if detail is None or detail == getattr(type(exc), "description", None):
        return default
    return detail


def register(app: Flask) -> None:
    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"

    for code, (error, title, sentence) in PAGES.items():
        def handler(exc: Any, code: int = code, error: str | None = error, title: Any = title,
                    sentence: Any = sentence) -> Any:
            if wants_json():
                name = error or (getattr(exc, "name", None) or "error").lower()
                return jsonify({"error": name, "detail": getattr(exc, "description", None)}), code
            detail = _detail(exc, sentence)
            g.error_detail = detail
            allow = [(k, v) for k, v in exc.get_headers() if k == "Allow"] if hasattr(exc, "get_headers") else []
            return render_template("error.html", code=code, message=str(title), detail=str(detail)), code, allow

        app.register_error_handler(code, handler)
