"""Designer views: the process list, the modeler page, and the check/deploy endpoints it calls.

Check and deploy take the diagram as XML from the modeler and go through the same parser and
checks as `opsflow deploy`, so what the designer accepts is exactly what the engine runs. A
deployed diagram keeps the forms and decision tables of the version it was opened from.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine import (
    Bundle,
    DefinitionError,
    ParsedProcess,
    Problem,
    ProcessDefinition,
    SourceFile,
    decision_report,
    decisions_in,
)

from ..access import Roles, guard
from ..extensions import workflow_engine
from ..security_headers import bpmn_js_modeler, dmn_js_modeler
from . import bp
from .blank import KEY, blank_process

# the panel's heading names the selected element in the reader's language
ELEMENT_TYPES = {
    "bpmn:UserTask": _l("User task"), "bpmn:ServiceTask": _l("Service task"), "bpmn:ScriptTask": _l("Script task"),
    "bpmn:BusinessRuleTask": _l("Business rule task"), "bpmn:ManualTask": _l("Manual task"),
    "bpmn:Task": _l("Task"), "bpmn:SendTask": _l("Send task"), "bpmn:ReceiveTask": _l("Receive task"),
    "bpmn:CallActivity": _l("Call activity"), "bpmn:SubProcess": _l("Subprocess"),
    "bpmn:StartEvent": _l("Start event"), "bpmn:EndEvent": _l("End event"),
    "bpmn:IntermediateCatchEvent": _l("Intermediate catch event"),
    "bpmn:IntermediateThrowEvent": _l("Intermediate throw event"), "bpmn:BoundaryEvent": _l("Boundary event"),
    "bpmn:ExclusiveGateway": _l("Exclusive gateway"), "bpmn:ParallelGateway": _l("Parallel gateway"),
    "bpmn:InclusiveGateway": _l("Inclusive gateway"), "bpmn:EventBasedGateway": _l("Event-based gateway"),
    "bpmn:SequenceFlow": _l("Sequence flow"), "bpmn:Lane": _l("Lane"), "bpmn:Participant": _l("Pool"),
    "bpmn:DataObjectReference": _l("Data object"), "bpmn:DataStoreReference": _l("Data store"),
    "bpmn:TextAnnotation": _l("Text annotation"), "bpmn:Group": _l("Group"),
}


def _require_designer() -> None:
    if not (current_user.has_role("designer") or current_user.has_role("admin")):
        abort(403, description=_("The designer is for process designers and administrators."))


def _versions(key: str) -> list[ProcessDefinition]:
    engine = workflow_engine()
    with engine.read() as session:
        versions = engine.definitions.versions(session, key)
        session.expunge_all()
    return versions


def _pick(versions: list[ProcessDefinition], version: int | None) -> ProcessDefinition:
    chosen = next((v for v in versions if version in (None, v.version)), None)
    if chosen is None:
        abort(404, description=_("This item does not exist."))
    return chosen


def _decision_tables(definition: ProcessDefinition | None) -> list[dict[str, Any]]:
    """Each decision table file of a version, by its place in the version, with the decisions it defines."""
    tables = []
    for index, xml in enumerate(definition.dmn_xml or [] if definition else []):
        decisions = decisions_in(SourceFile(f"{index}.dmn", xml.encode("utf-8")))
        if decisions:
            tables.append({"index": index, "decisions": decisions})
    return tables


def _dmn_source(definition: ProcessDefinition, index: int) -> str:
    if not 0 <= index < len(definition.dmn_xml or []):
        abort(404, description=_("This item does not exist."))
    return definition.dmn_xml[index]


def _operations() -> dict[str, list[str]]:
    """Each service operation with its parameter names, for the modeler's service-task panel."""
    registry = workflow_engine().registry
    return {name: [f.name for f in dataclasses.fields(registry.get(name).params)] for name in registry.names()}


@bp.get("/")
@guard(Roles(("designer",)))
@login_required
def index() -> str:
    _require_designer()
    return render_template("designer/index.html", processes=workflow_engine().processes())


@bp.post("/new")
@guard(Roles(("designer",)))
@login_required
def new() -> Response | tuple[str, int]:
    _require_designer()
    key = request.form.get("key", "").strip()
    name = request.form.get("name", "").strip()
    error = None
    if not KEY.match(key):
        error = _("Key: use letters, digits and _ (starting with a letter), at most 100 characters.")
    elif not name:
        error = _("Name: required.")
    elif _versions(key):
        error = _("Key: a process named %(key)s exists already.", key=key)
    if error:
        return render_template("designer/index.html", processes=workflow_engine().processes(),
                               error=error, key=key, name=name), 400
    return redirect(url_for("designer.edit", key=key, name=name))


@bp.get("/<key>")
@guard(Roles(("designer",)))
@bpmn_js_modeler
@login_required
def edit(key: str) -> str:
    _require_designer()
    versions = _versions(key)
    name = request.args.get("name", "").strip()
    if not versions and not (KEY.match(key) and name):
        abort(404, description=_("This item does not exist."))
    opened = _pick(versions, request.args.get("version", type=int)) if versions else None
    source = (url_for("designer.source", key=key, version=opened.version) if opened
              else url_for("designer.blank", key=key, name=name))
    return render_template("designer/edit.html", key=key, name=opened.name if opened else name,
                           versions=versions, opened=opened, source=source,
                           forms=sorted((opened.forms or {}) if opened else {}), operations=_operations(),
                           decision_tables=_decision_tables(opened),
                           element_types={k: str(v) for k, v in ELEMENT_TYPES.items()})


@bp.get("/<key>/v<int:version>.bpmn")
@guard(Roles(("designer",)))
@login_required
def source(key: str, version: int) -> Response:
    _require_designer()
    definition = _pick(_versions(key), version)
    response = Response(definition.bpmn_xml, mimetype="application/xml")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{key}_v{version}.bpmn"'
    return response


@bp.get("/<key>/v<int:version>/decisions/<int:index>")
@guard(Roles(("designer",)))
@dmn_js_modeler
@login_required
def decision_table(key: str, version: int, index: int) -> str:
    """The decision table editor: one DMN file of a version, deployed with that version's diagram."""
    _require_designer()
    definition = _pick(_versions(key), version)
    _dmn_source(definition, index)
    table = next((t for t in _decision_tables(definition) if t["index"] == index), None)
    return render_template("designer/decision_table.html", key=key, opened=definition, index=index,
                           decisions=table["decisions"] if table else [])


@bp.get("/<key>/v<int:version>/decisions/<int:index>.dmn")
@guard(Roles(("designer",)))
@login_required
def decision_source(key: str, version: int, index: int) -> Response:
    _require_designer()
    return Response(_dmn_source(_pick(_versions(key), version), index), mimetype="application/xml")


@bp.get("/<key>/blank.bpmn")
@guard(Roles(("designer",)))
@login_required
def blank(key: str) -> Response:
    _require_designer()
    if not KEY.match(key):
        abort(404, description=_("This item does not exist."))
    return Response(blank_process(key, request.args.get("name", key)), mimetype="application/xml")


def _submitted(key: str) -> Bundle:
    """The posted diagram, bundled with the decision tables and forms of the version it came from."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description=_("xml: the diagram is missing."))
    edited = payload.get("dmn") or {}
    if not isinstance(edited, dict) or not all(isinstance(x, str) and x.strip() for x in edited.values()):
        abort(400, description=_("dmn: each edited decision table must be DMN XML."))
    versions = _versions(key)
    base = _pick(versions, payload.get("version")) if versions and payload.get("version") else (
        versions[0] if versions else None)
    xml = payload.get("xml")
    if xml is None and edited and base is not None:
        xml = base.bpmn_xml  # the decision table editor deploys the diagram it was opened with
    if not isinstance(xml, str) or not xml.strip():
        abort(400, description=_("xml: the diagram is missing."))
    tables = list(base.dmn_xml or []) if base else []
    for index, table in edited.items():
        if not str(index).isdigit() or int(index) >= len(tables):
            abort(400, description=_("dmn: this version has no decision table %(index)s.", index=index))
        tables[int(index)] = table
    dmn = tuple(SourceFile(f"{key}_{i}.dmn", x.encode("utf-8")) for i, x in enumerate(tables))
    forms = tuple(sorted((base.forms or {}).items())) if base else ()
    return Bundle(SourceFile(f"{key}.bpmn", xml.encode("utf-8")), dmn, forms)


def _problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"message": p.message, "element": p.element, "element_id": p.element_id, "line": p.line}
            for p in problems]


def _form_warnings(bundle: Bundle, parsed: list[ParsedProcess]) -> list[dict[str, Any]]:
    """User tasks that name a form this process does not have: they would show the generic form."""
    known = {name for name, _form in bundle.forms}
    return [{"element": "bpmn:userTask", "element_id": task_id,
             "message": _("form %(form)s is not one of this process's forms", form=form)}
            for process in parsed for task_id, form in sorted(process.forms.items()) if form not in known]


def _table_warnings(bundle: Bundle) -> list[dict[str, Any]]:
    """What the engine only warns of in the decision tables (rules that can both match): no reason to refuse."""
    return _problems_json(decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms)).warnings)


def _dropped_outputs(key: str, bundle: Bundle) -> list[Problem]:
    """Outputs the opened version's tables gave, that the flow reads and the edited tables no longer give."""
    payload = request.get_json(silent=True) or {}
    versions = _versions(key)
    if not versions:
        return []
    base = _pick(versions, payload.get("version")) if payload.get("version") else versions[0]
    previous = [SourceFile(f"{key}_{i}.dmn", x.encode("utf-8")) for i, x in enumerate(base.dmn_xml or [])]
    return decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms), previous=previous).errors


def _check(key: str, bundle: Bundle) -> tuple[list[Problem], list[ParsedProcess]]:
    """The engine's own checks, plus: the diagram must still define the process it was opened as."""
    try:
        parsed = workflow_engine().definitions.check(bundle)
    except DefinitionError as exc:
        return exc.problems + [p for p in _dropped_outputs(key, bundle) if p not in exc.problems], []
    keys = [p.key for p in parsed]
    if key not in keys:
        return [Problem(_("the process id must stay %(key)s (the diagram defines %(found)s)",
                          key=key, found=", ".join(keys) or "-"), element="bpmn:process",
                        element_id=keys[0] if keys else None)], parsed
    return [], parsed


@bp.post("/<key>/check")
@guard(Roles(("designer",)))
@login_required
def check(key: str) -> Response:
    _require_designer()
    bundle = _submitted(key)
    problems, parsed = _check(key, bundle)
    warnings = [] if problems else _form_warnings(bundle, parsed) + _table_warnings(bundle)
    return jsonify(ok=not problems, problems=_problems_json(problems), warnings=warnings)


@bp.post("/<key>/deploy")
@guard(Roles(("designer",)))
@login_required
def deploy(key: str) -> tuple[Response, int]:
    _require_designer()
    bundle = _submitted(key)
    problems, _parsed = _check(key, bundle)
    if problems:
        return jsonify(ok=False, problems=_problems_json(problems)), 422
    try:
        results = workflow_engine().deploy_bundle(bundle, actor=current_user.username)
    except DefinitionError as exc:
        return jsonify(ok=False, problems=_problems_json(exc.problems)), 422
    mine = next(r for r in results if r.key == key)
    return jsonify(ok=True, version=mine.version, created=mine.created, warnings=_table_warnings(bundle),
                   url=url_for("designer.edit", key=key, version=mine.version)), 201 if mine.created else 200

