"""Groups: who is in each, and what the access policy grants it; made here or where a person is put in one."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import Group, User, audit

from ..access import Roles, current_actor, guard, policy
from ..extensions import db, workflow_engine
from . import bp


@bp.get("/groups")
@guard(Roles(("admin",)))
@login_required
def groups() -> str:
    rows = list(db.session.scalars(select(Group).order_by(Group.name)))
    members: dict[int, list[str]] = {}
    for group_id, username in db.session.execute(select(Group.id, User.username).join(User.groups)
                                                 .order_by(User.username)):
        members.setdefault(group_id, []).append(username)
    grants: dict[str, list[str]] = {}
    for grant in policy().grants(db.session):
        for principal in grant.principals:
            grants.setdefault(principal, []).append(f"{grant.resource} · {grant.right}")
    return render_template("admin/groups.html", groups=rows, members=members, grants=grants)


@bp.post("/groups")
@guard(Roles(("admin",)))
@login_required
def create_group() -> Response:
    name = request.form.get("name", "").strip()
    if not name or len(name) > 200 or name == "*" or name.startswith("role:"):
        flash(_("A group needs a name of at most 200 characters (not * and not starting with role:)."), "error")
    elif db.session.scalar(select(Group.id).where(Group.name == name)) is not None:
        flash(_("%(name)s is taken", name=name), "error")
    else:
        db.session.add(Group(name=name))
        audit.record(db.session, current_actor().username, "admin.group_created", f"group {name}",
                     workflow_engine().clock())
        db.session.commit()
        flash(_("Group %(name)s made.", name=name), "success")
    return redirect(url_for("admin.groups"))


@bp.post("/groups/<int:group_id>/delete")
@guard(Roles(("admin",)))
@login_required
def delete_group(group_id: int) -> Response:
    """Only an empty group: removing one with members would silently take their queues away."""
    group = db.session.get(Group, group_id)
    if group is None:
        flash(_("There is no such group."), "error")
    elif db.session.scalar(select(User.id).join(User.groups).where(Group.id == group_id).limit(1)) is not None:
        flash(_("%(name)s still has members: take them out first.", name=group.name), "error")
    else:
        audit.record(db.session, current_actor().username, "admin.group_removed", f"group {group.name}",
                     workflow_engine().clock())
        db.session.delete(group)
        db.session.commit()
        flash(_("Group %(name)s removed.", name=group.name), "info")
    return redirect(url_for("admin.groups"))
