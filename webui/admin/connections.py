"""Connections: the other systems `http.request` steps call by name, with their address and credentials."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from engine import InvalidData, integration

from ..access import Roles, guard
from ..extensions import db, workflow_engine
from . import bp
from .access import admin

Connection = integration.Connection
LIMIT = 200


def _page(**extra: object) -> str:
    rows = list(db.session.scalars(select(Connection).order_by(Connection.name).limit(LIMIT)))
    total = db.session.scalar(select(func.count()).select_from(Connection))
    return render_template("admin/connections.html", connections=rows, total=total,
                           kinds=integration.connections.AUTH_KINDS, **extra)


@bp.get("/connections")
@guard(Roles(("admin",)))
@login_required
def connection_list() -> str:
    admin()
    return _page()


@bp.post("/connections")
@guard(Roles(("admin",)))
@login_required
def save_connection() -> Response | tuple[str, int]:
    actor = admin()
    form = request.form
    try:
        conn = integration.connections.save(
            db.session, name=form.get("name", ""), base_url=form.get("base_url", ""), auth=form.get("auth", "none"),
            credentials=form.get("credentials") or None, header_name=form.get("header_name") or None,
            actor=actor.username, now=workflow_engine().clock())
    except InvalidData as exc:
        db.session.rollback()
        return _page(errors=exc.errors, form=form), 422
    name = conn.name
    db.session.commit()
    flash(_("Connection %(name)s saved.", name=name), "success")
    return redirect(url_for("admin.connection_list"))
