"""The bottleneck on the diagram and version against version: parse the filters, ask engine.bottlenecks, render."""
from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from engine import ProcessDefinition, ProcessInstance, bottlenecks, utcnow

from .. import step_names
from ..access import Roles, guard
from ..extensions import workflow_engine
from ..security_headers import bpmn_js_modeler
from . import bp
from .routes import _filters

PAGE = 50


def _version(name: str, versions: list[int]) -> int | None:
    value = request.args.get(name, type=int)
    if value is not None and value not in versions:
        abort(400, description=_("%(field)s: version %(v)s does not exist.", field=name, v=value))
    return value


def _scope() -> tuple[int, str, int | None, str | None, list[int], list[str]]:
    days, process = _filters()
    engine = workflow_engine()
    if not process:
        process = next((p.key for p in engine.processes()), None) or abort(404)
    with engine.read() as session:
        versions = [v.version for v in engine.definitions.versions(session, process)]
        departments = [d for d in session.scalars(select(ProcessInstance.department).distinct()
                                                  .where(ProcessInstance.process_key == process)) if d]
    if not versions:
        abort(404, description=_("This item does not exist."))
    department = request.args.get("department") or None
    if department and department not in departments:
        abort(400, description=_("department: %(d)s has no requests of this process.", d=department))
    return days, process, _version("version", versions), department, versions, sorted(departments)


@bp.get("/heatmap")
@guard(Roles(("manager",)))
@bpmn_js_modeler
@login_required
def heatmap() -> str:
    days, process, version, department, versions, departments = _scope()
    now = utcnow()
    with workflow_engine().read() as session:
        heat = bottlenecks.step_heat(session, process, now - timedelta(days=days), now, version, department)
    return render_template("monitor/heatmap.html", heat=heat, days=days, process=process, version=version,
                           names=step_names.of_version(process, version or versions[0]),
                           shown=version or versions[0], department=department, versions=versions,
                           departments=departments, processes=[p.key for p in workflow_engine().processes()])


@bp.get("/heatmap/<key>/v<int:version>.bpmn")
@guard(Roles(("manager",)))
@login_required
def heatmap_diagram(key: str, version: int) -> Response:
    _filters()
    with workflow_engine().read() as session:
        xml = session.scalar(select(ProcessDefinition.bpmn_xml).where(ProcessDefinition.key == key,
                                                                      ProcessDefinition.version == version))
    if xml is None:
        abort(404, description=_("This item does not exist."))
    return Response(step_names.diagram_for_reader(xml), mimetype="application/xml")


@bp.get("/heatmap/step")
@guard(Roles(("manager",)))
@login_required
def heatmap_step() -> str:
    """The instances behind one step's figures: the drill-down from the diagram."""
    days, process, version, department, _versions, _departments = _scope()
    step = request.args.get("step", "")
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    with workflow_engine().read() as session:
        rows, more = bottlenecks.step_instances(session, process, step, utcnow() - timedelta(days=days), version,
                                                department, PAGE, offset)
    return render_template("monitor/heatmap_step.html", rows=rows, more=more, offset=offset, page=PAGE, step=step,
                           names=step_names.of_version(process, version) if version else step_names.of_process(process),
                           days=days, process=process, version=version, department=department)


@bp.get("/compare")
@guard(Roles(("manager",)))
@login_required
def compare() -> str:
    """Two versions on the same KPIs: did the change help?"""
    days, process, _version_arg, _department, versions, _departments = _scope()
    a = _version("a", versions) or (versions[1] if len(versions) > 1 else versions[0])
    b = _version("b", versions) or versions[0]
    since = utcnow() - timedelta(days=days)
    with workflow_engine().read() as session:
        kpis = [bottlenecks.version_kpis(session, process, v, since) for v in (a, b)]
    steps = sorted(set(kpis[0].wait_per_step) | set(kpis[1].wait_per_step))
    return render_template("monitor/compare.html", kpis=kpis, steps=steps, days=days, process=process,
                           names=step_names.of_version(process, b),
                           versions=versions, a=a, b=b, processes=[p.key for p in workflow_engine().processes()])
