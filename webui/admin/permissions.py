"""Who may start each process, who sees its instances, who reads and imports each record list.

The administrators' screen over the engine's `AccessPolicy`: each row is one resource with its
rights; a change replaces the declared default of that right and is in the audit log. Names are
checked against the groups and roles that exist, so a typo cannot silently grant nothing.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import EVERYONE, Grant, Group, InvalidData, User, parse_principals, utcnow

from ..access import Roles, current_actor, guard, policy
from ..extensions import db
from ..records import CATALOG
from . import bp

RIGHTS = {"process": ("start", "see_all", "see_department"), "records": ("read_all", "read_department", "import")}


def _known() -> tuple[list[str], list[str]]:
    groups = sorted(db.session.scalars(select(Group.name)))
    roles = sorted({r for text in db.session.scalars(select(User.roles)) for r in text.split(",") if r})
    return groups, roles


def _by_resource(prefix: str) -> dict[str, dict[str, Grant]]:
    rows: dict[str, dict[str, Grant]] = {}
    for grant in policy().grants(db.session, prefix):
        rows.setdefault(grant.resource, {})[grant.right] = grant
    return rows


@bp.get("/access")
@guard(Roles(("admin",)))
@login_required
def access() -> str:
    groups, roles = _known()
    titles = {f"records:{spec.resource}": (module, spec.title) for module, specs in CATALOG.items() for spec in specs}
    return render_template("admin/access.html", processes=_by_resource("process:"),
                           records=_by_resource("records:"), titles=titles, rights=RIGHTS, groups=groups,
                           roles=roles)


def _unknown(principals: tuple[str, ...], groups: list[str], roles: list[str]) -> list[str]:
    return [p for p in principals if p != EVERYONE and p not in groups
            and not (p.startswith("role:") and p[5:] in roles)]


@bp.post("/access/<path:resource>")
@guard(Roles(("admin",)))
@login_required
def change_access(resource: str) -> Response | tuple[str, int]:
    kind = resource.split(":", 1)[0]
    if kind not in RIGHTS or not any(g.resource == resource for g in policy().grants(db.session, resource)):
        flash(_("There is no such resource: %(name)s", name=resource), "error")
        return redirect(url_for("admin.access"))
    groups, roles = _known()
    wanted = {right: parse_principals(request.form.get(right, "")) for right in RIGHTS[kind]}
    unknown = sorted({p for principals in wanted.values() for p in _unknown(principals, groups, roles)})
    if unknown:
        flash(_("Unknown group or role: %(names)s. Nothing was changed.", names=", ".join(unknown)), "error")
        return redirect(url_for("admin.access") + f"#{resource}")
    actor, now = current_actor(), utcnow()
    try:
        for right, principals in wanted.items():
            if principals != policy().principals(db.session, resource, right):
                policy().change(db.session, resource, right, principals, actor.username, now, request.remote_addr)
    except InvalidData as exc:
        db.session.rollback()
        flash("; ".join(f"{k}: {v}" for k, v in exc.errors.items()), "error")
        return redirect(url_for("admin.access") + f"#{resource}")
    db.session.commit()
    flash(_("Access to %(name)s saved.", name=resource), "success")
    return redirect(url_for("admin.access") + f"#{resource}")
