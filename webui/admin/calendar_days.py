"""The working-time calendar: public holidays and make-up working days, edited by an administrator."""
from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import CalendarDay, audit, set_day, utcnow

from ..access import Roles, guard
from ..extensions import db, workflow_engine
from . import bp
from .access import admin


@bp.get("/calendar")
@guard(Roles(("admin",)))
@login_required
def calendar() -> str:
    admin()
    since = workflow_engine().clock().date() - timedelta(days=31)
    days = db.session.scalars(select(CalendarDay).where(CalendarDay.day >= since).order_by(CalendarDay.day)).all()
    return render_template("admin/calendar.html", days=days)


@bp.post("/calendar")
@guard(Roles(("admin",)))
@login_required
def save_day() -> Response | tuple[str, int]:
    actor = admin()
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        flash(_("day: not a date (YYYY-MM-DD)"), "error")
        return redirect(url_for("admin.calendar"))
    working = request.form.get("working") == "1"
    name = request.form.get("name", "").strip()
    set_day(db.session, day, working, name, actor.username, utcnow())
    audit.record(db.session, actor.username, "admin.calendar_day_set", day.isoformat(), utcnow(), working=working,
                 name=name)
    db.session.commit()
    flash(_("%(day)s saved.", day=day.isoformat()), "info")
    return redirect(url_for("admin.calendar"))


@bp.post("/calendar/<day>/delete")
@guard(Roles(("admin",)))
@login_required
def delete_day(day: str) -> Response:
    actor = admin()
    row = db.session.get(CalendarDay, date.fromisoformat(day)) if _is_date(day) else None
    if row is not None:
        db.session.delete(row)
        audit.record(db.session, actor.username, "admin.calendar_day_removed", day, utcnow())
        db.session.commit()
        flash(_("%(day)s is an ordinary day again.", day=day), "info")
    return redirect(url_for("admin.calendar"))


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
