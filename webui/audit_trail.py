"""What the web layer adds to the audit trail: where each request comes from, and every export.

The engine records the actions themselves; here every request first says its address (so each
event and audit row written while it runs keeps it), and every spreadsheet handed out is an
audit row naming who took which list with which filters.
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from werkzeug.wrappers import Response

from engine import ADDRESS, audit, utcnow

from .extensions import db
from .xlsx import XLSX_MIME


def _address() -> None:
    ADDRESS.set(request.remote_addr)


def _exports(response: Response) -> Response:
    if (response.status_code == 200 and response.mimetype == XLSX_MIME and current_user.is_authenticated
            and not request.path.endswith("/template.xlsx")):
        audit.record(db.session, current_user.username, "export", request.path, utcnow(),
                     filters={k: v[:200] for k, v in request.args.items()})
        db.session.commit()
    return response


def init_app(app: Flask) -> None:
    app.before_request(_address)
    app.after_request(_exports)
