"""REST API v1 for process definitions: the deployed processes and their versions, their BPMN, deploying a file.

Reading the list is for anyone signed in (as /processes is); the BPMN and
deploying are for process designers, as in the designer. Deploying goes
through the same engine checks as the designer's deploy and is audited there.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import func, or_, select

from engine import Bundle, ProcessDefinition, SourceFile

from ..access import Roles, SignedIn, guard
from ..extensions import workflow_engine
from . import schemas as s
from .auth import caller
from .describe import Query, operation
from .errors import ApiError
from .paging import NEXT_LINK, answer, page_args, page_of, page_query
from .routes import bp
from .serialize import timestamp

SORTS = ("key", "-key", "deployed_at", "-deployed_at")
VERSION_SORTS = ("-version", "version")
DESIGNERS = Roles(("designer",))
MAX_FILE = 5 * 1024 * 1024
_PROCESS_ID = re.compile(r'<(?:[\w.-]+:)?process\b[^>]*?\bid="([^"]{1,200})"')


def definition_json(d: ProcessDefinition) -> dict[str, Any]:
    return {"key": d.key, "name": d.name, "version": d.version, "deployed_at": timestamp(d.deployed_at),
            "deployed_by": d.deployed_by}


def _ordered(query: Any, sort: str) -> Any:
    column = {"key": ProcessDefinition.key, "deployed_at": ProcessDefinition.deployed_at,
              "version": ProcessDefinition.version}[sort.lstrip("-")]
    return query.order_by(column.desc() if sort.startswith("-") else column, ProcessDefinition.id)


@bp.get("/definitions")
@guard(SignedIn("the deployed processes: names and versions"))
@operation("The deployed processes, latest version of each", "definitions",
           {200: ("a page of definitions", page_of(s.Definition))}, headers=NEXT_LINK,
           query=(*page_query(SORTS, "key"), Query("q", {"type": "string"}, "a part of the key or the name")))
def list_definitions() -> Response:
    page = page_args(SORTS, "key")
    latest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    query = select(ProcessDefinition).join(latest, (ProcessDefinition.key == latest.c.key)
                                           & (ProcessDefinition.version == latest.c.v))
    if q := request.args.get("q", "").strip():
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(ProcessDefinition.key.ilike(like, escape="\\"),
                                ProcessDefinition.name.ilike(like, escape="\\")))
    with workflow_engine().read() as session:
        rows = list(session.scalars(_ordered(query, page.sort).offset(page.offset).limit(page.limit + 1)))
        return answer(rows, page, definition_json)


@bp.get("/definitions/<key>/versions")
@guard(SignedIn("the deployed processes: names and versions"))
@operation("Every deployed version of a process, newest first", "definitions",
           {200: ("a page of versions", page_of(s.Definition))}, headers=NEXT_LINK,
           query=page_query(VERSION_SORTS, "-version"))
def list_versions(key: str) -> Response:
    page = page_args(VERSION_SORTS, "-version")
    query = _ordered(select(ProcessDefinition).where(ProcessDefinition.key == key), page.sort)
    with workflow_engine().read() as session:
        rows = list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))
        if not rows and page.offset == 0:
            raise ApiError(404, f"no process {key}")
        return answer(rows, page, definition_json)


@bp.get("/definitions/<key>/versions/<int:version>/bpmn")
@guard(DESIGNERS)
@operation("The BPMN XML of one version (process designers)", "definitions",
           {200: ("the BPMN file", {"type": "string"})}, content_type="application/xml")
def get_bpmn(key: str, version: int) -> Response:
    with workflow_engine().read() as session:
        xml = session.scalar(select(ProcessDefinition.bpmn_xml).where(ProcessDefinition.key == key,
                                                                     ProcessDefinition.version == version))
    if xml is None:
        raise ApiError(404, f"no version {version} of process {key}")
    return Response(xml, mimetype="application/xml")


@bp.post("/definitions")
@guard(DESIGNERS)
@operation("Deploy a BPMN file (process designers): each changed process gets a new version", "definitions",
           {200: ("nothing changed: every process in the file is its latest version", [s.Deployed]),
            201: ("deployed: at least one new version", [s.Deployed])},
           upload={"type": "object", "required": ["file"],
                   "properties": {"file": {"type": "string", "format": "binary",
                                           "description": "the .bpmn file"}}})
def deploy_definition() -> tuple[Response, int]:
    file = request.files.get("file")
    if file is None or not file.filename:
        raise ApiError(400, "missing field 'file'", {"file": "send the BPMN file as a multipart part named file"})
    content = file.read(MAX_FILE + 1)
    if len(content) > MAX_FILE:
        raise ApiError(413, "the file is too large", {"file": f"must be at most {MAX_FILE} bytes"})
    engine = workflow_engine()
    bundle = Bundle(SourceFile(file.filename[:200], content))
    results = engine.deploy_bundle(_with_latest_parts(bundle), caller().actor.username)
    body = [{"key": r.key, "version": r.version, "created": r.created} for r in results]
    return jsonify(body), 201 if any(r.created for r in results) else 200


def _with_latest_parts(bundle: Bundle) -> Bundle:
    """A file for a process that exists keeps that process's decision tables and forms, as the designer does."""
    engine = workflow_engine()
    # only to choose the parts to add: the engine parses and checks the whole file when it deploys
    keys = _PROCESS_ID.findall(bundle.bpmn.content.decode("utf-8", "replace"))
    with engine.read() as session:
        latest = [d for k in keys if (d := engine.definitions.latest(session, k)) is not None]
        dmn = tuple(SourceFile(f"{d.key}_{i}.dmn", x.encode()) for d in latest for i, x in enumerate(d.dmn_xml or []))
        forms = tuple(sorted(((n, f) for d in latest for n, f in (d.forms or {}).items()), key=lambda p: p[0]))
    return Bundle(bundle.bpmn, dmn, forms) if dmn or forms else bundle
