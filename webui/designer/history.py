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

from ..access import Roles, guard
from ..security_headers import bpmn_js_modeler
from . import bp
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
