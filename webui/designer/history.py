"""A process's version history: who deployed which version when, and what changed between two of them.

The diff is the engine's (`engine.diff_versions`): elements added, removed and changed with the
properties that changed, the forms and decision tables, and the XML. The page marks them on the
newer version's diagram (and the removed ones on the older's) with bpmn-js markers.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from engine import diff_versions

from ..access import Roles, current_actor, guard
from ..extensions import workflow_engine
from ..security_headers import bpmn_js_modeler
from . import blockers, bp
from .routes import _pick, _require_designer, _versions


@bp.get("/<key>/history")
@guard(Roles(("designer",)))
@login_required
def history(key: str) -> str:
    _require_designer()
    versions = _versions(key)
    if not versions:
        abort(404, description=_("This item does not exist."))
    return render_template("designer/history.html", key=key, name=versions[0].name, versions=versions)


def _version_arg(name: str) -> int:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        abort(400, description=_("%(field)s: a version number is required.", field=name))


@bp.get("/<key>/diff")
@guard(Roles(("designer",)))
@bpmn_js_modeler
@login_required
def diff(key: str) -> str:
    _require_designer()
    versions = _versions(key)
    old, new = _pick(versions, _version_arg("from")), _pick(versions, _version_arg("to"))
    changes = diff_versions(old.bpmn_xml, new.bpmn_xml, old.forms, new.forms, old.dmn_xml, new.dmn_xml,
                            labels=(f"v{old.version}", f"v{new.version}"))
    return render_template("designer/diff.html", key=key, name=new.name, old=old, new=new, diff=changes,
                           versions=versions)


PAGE = 100


@bp.get("/<key>/migrate")
@guard(Roles(("designer",)))
@login_required
def migration(key: str) -> str:
    """The dry run: each unfinished instance of an older version, whether it can move and what blocks it."""
    _require_designer()
    if not _versions(key):
        abort(404, description=_("This item does not exist."))
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    target, checks, more = workflow_engine().migration_plan(key, current_actor(), request.args.get("to", type=int),
                                                           limit=PAGE, offset=offset)
    return render_template("designer/migrate.html", key=key, name=target.name, target=target, checks=checks,
                           reasons=blockers.sentences(key, checks), at=blockers.steps_at(key, checks),
                           more=more, offset=offset, page=PAGE, moved=None)


@bp.post("/<key>/migrate")
@guard(Roles(("designer",)))
@login_required
def migrate(key: str) -> str:
    """Move the movable ones; the page then lists what moved and what stayed, and why."""
    _require_designer()
    if not _versions(key):
        abort(404, description=_("This item does not exist."))
    to = request.form.get("to", type=int)
    results = workflow_engine().migrate(key, current_actor(), to)
    target = _pick(_versions(key), to)
    return render_template("designer/migrate.html", key=key, name=target.name, target=target, checks=results,
                           reasons=blockers.sentences(key, results), at=blockers.steps_at(key, results),
                           more=False, offset=0, page=PAGE,
                           moved=sum(r.movable for r in results))
