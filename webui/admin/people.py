"""People: accounts, their department, groups and roles, deactivation, password resets and deputies.

What the command line could do (`opsflow create-user`, `deactivate-user`) on a screen, for administrators,
each change in the audit log with what it was before. Groups are created where a person is put in them.
"""
from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from engine import Actor, Group, InvalidData, User, audit, create_user, deactivate_user, set_password
from modules.hr import Department

from ..access import Roles, current_actor, guard
from ..extensions import db, workflow_engine
from . import bp

ROLES = ("requester", "manager", "designer", "admin")
PAGE = 50


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        abort(404, description=_("No such person: %(name)s", name=username))
    return user


def _record(action: str, username: str, **detail: Any) -> None:
    audit.record(db.session, current_actor().username, action, f"user {username}", workflow_engine().clock(),
                 **detail)


def _choices() -> dict[str, Any]:
    return {"groups": sorted(db.session.scalars(select(Group.name))), "roles": ROLES,
            "departments": sorted(db.session.scalars(select(Department.code)))}


@bp.get("/people")
@guard(Roles(("admin",)))
@login_required
def people() -> str:
    text = (request.args.get("q") or "").strip()[:100]
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    q = select(User).order_by(User.username)
    if text:
        like = f"%{text.lower()}%"
        q = q.where(or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like)))
    rows = list(db.session.scalars(q.limit(PAGE + 1).offset(offset)))
    return render_template("admin/people.html", rows=rows[:PAGE], more=len(rows) > PAGE, offset=offset, q=text,
                           size=PAGE, **_choices())


def _posted(form: Any, known: dict[str, Any]) -> dict[str, Any]:
    """The person's fields from the form, checked against the groups, roles and departments that exist."""
    groups = [g.strip() for g in form.getlist("groups") if g.strip()]
    groups += [g.strip() for g in form.get("new_groups", "").split(",") if g.strip()]
    roles = [r for r in form.getlist("roles") if r]
    department = form.get("department", "").strip() or None
    errors = {}
    if unknown := [r for r in roles if r not in ROLES]:
        errors["roles"] = _("unknown role: %(names)s", names=", ".join(unknown))
    if department and department not in known["departments"]:
        errors["department"] = _("no department %(code)s", code=department)
    if any(len(g) > 200 for g in groups):
        errors["groups"] = _("a group name has at most 200 characters")
    if errors:
        raise InvalidData(errors)
    return {"groups": sorted(set(groups)), "roles": roles, "department": department,
            "display_name": form.get("display_name", "").strip()[:200]}


@bp.post("/people")
@guard(Roles(("admin",)))
@login_required
def create_person() -> str | tuple[str, int] | Response:
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "") or secrets.token_urlsafe(12)
    known = _choices()
    try:
        if not username or len(username) > 100 or not username.replace(".", "").replace("-", "").isalnum():
            raise InvalidData({"username": _("letters, digits, dots and dashes, at most 100")})
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise InvalidData({"username": _("%(name)s is taken", name=username)})
        fields = _posted(request.form, known)
        create_user(db.session, username, password, **fields)
    except InvalidData as exc:
        db.session.rollback()
        flash("; ".join(f"{k}: {v}" for k, v in exc.errors.items()), "error")
        return redirect(url_for("admin.people"))
    _record("admin.user_created", username, **fields)
    db.session.commit()
    shown = password if not request.form.get("password") else None
    return render_template("admin/person_created.html", username=username, password=shown), 201


@bp.get("/people/<username>")
@guard(Roles(("admin",)))
@login_required
def person(username: str) -> str:
    user = _user(username)
    away = current_app.extensions["opsflow.workplace"].absences(user.username)
    return render_template("admin/person.html", user=user, away=away, today=workflow_engine().clock().date(),
                           **_choices())


@bp.post("/people/<username>")
@guard(Roles(("admin",)))
@login_required
def change_person(username: str) -> Response:
    user = _user(username)
    try:
        fields = _posted(request.form, _choices())
    except InvalidData as exc:
        flash("; ".join(f"{k}: {v}" for k, v in exc.errors.items()), "error")
        return redirect(url_for("admin.person", username=username))
    before = {"groups": user.group_names, "roles": user.role_names, "department": user.department,
              "display_name": user.display_name}
    user.groups = [_group(name) for name in fields["groups"]]
    user.roles, user.department = ",".join(fields["roles"]), fields["department"]
    user.display_name = fields["display_name"] or user.display_name
    changed = {k: [before[k], v] for k, v in fields.items() if v != before[k] and (k != "display_name" or v)}
    if changed:
        _record("admin.user_changed", username, **changed)
    db.session.commit()
    flash(_("%(name)s saved.", name=username), "success")
    return redirect(url_for("admin.person", username=username))


def _group(name: str) -> Group:
    group = db.session.scalar(select(Group).where(Group.name == name))
    if group is None:
        group = Group(name=name)
        db.session.add(group)
    return group


@bp.post("/people/<username>/active")
@guard(Roles(("admin",)))
@login_required
def set_active(username: str) -> Response:
    user, active = _user(username), request.form.get("active") == "1"
    if user.username == current_actor().username and not active:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("admin.person", username=username))
    if active:
        user.active = True
    else:
        deactivate_user(db.session, username)  # their sessions end now
    _record("admin.user_activated" if active else "admin.user_deactivated", username)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=username) if active
          else _("%(name)s is deactivated and signed out everywhere.", name=username), "info")
    return redirect(url_for("admin.person", username=username))


@bp.post("/people/<username>/password")
@guard(Roles(("admin",)))
@login_required
def reset_password(username: str) -> str:
    user, password = _user(username), secrets.token_urlsafe(12)
    set_password(db.session, user, password)  # every session of theirs ends
    _record("admin.password_reset", username)
    db.session.commit()
    return render_template("admin/person_created.html", username=username, password=password, reset=True)


@bp.post("/people/<username>/away")
@guard(Roles(("admin",)))
@login_required
def set_deputy(username: str) -> Response:
    absent = _user(username).username
    db.session.rollback()  # the engine writes in a transaction of its own; this one must not hold a stale read
    try:
        starts, ends = (date.fromisoformat(request.form.get(k, "")) for k in ("starts_on", "ends_on"))
    except ValueError:
        flash(_("Enter both days as dates (YYYY-MM-DD)."), "error")
        return redirect(url_for("admin.person", username=username))
    deputy = request.form.get("deputy", "").strip()
    place = current_app.extensions["opsflow.workplace"]
    try:
        place.set_absence(Actor(absent), deputy, starts, ends, request.form.get("reason", ""))
    except InvalidData as exc:
        flash("; ".join(f"{k}: {v}" for k, v in exc.errors.items()), "error")
        return redirect(url_for("admin.person", username=username))
    _record("admin.deputy_set", username, deputy=deputy, starts_on=starts.isoformat(), ends_on=ends.isoformat())
    db.session.commit()
    flash(_("%(deputy)s stands in for %(name)s.", deputy=deputy, name=username), "success")
    return redirect(url_for("admin.person", username=username))
