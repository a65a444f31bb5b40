"""The OpenAPI 3.1 description of /api/v1, built from the views themselves.

Each API view says what it takes and answers with `@operation(...)`, naming
the pydantic models of `schemas.py`; the document walks the app's URL map,
so a route cannot be added without being described (tests/webui/api checks
that every route under /api/v1 has an operation). OpenAPI 3.1 schemas are
JSON Schema 2020-12, which is what pydantic writes, so the models go into
`components/schemas` unchanged.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from engine import ID_MAX

from .schemas import MODELS

View = TypeVar("View", bound=Callable[..., object])
PREFIX = "/api/v1"
_REF = "#/components/schemas/{model}"
# every call can be refused for these reasons, whatever the view does
_ALWAYS = {401: "no token, or an invalid one", 403: "the token's scope or the caller's rights do not cover it",
           429: "too many invalid tokens from this address"}
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# URL integers are ids (webui/input_guard.py bounds them to what an id column holds)
_PARAM_TYPES = {"int": {"type": "integer", "minimum": 0, "maximum": ID_MAX}, None: {"type": "string"},
                "string": {"type": "string"}}


@dataclass(frozen=True)
class Query:
    """One query parameter of a list."""

    name: str
    schema: dict[str, Any]
    description: str


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    answers: dict[int, tuple[str, Any]]  # status -> (description, model | [model] | None)
    body: type[BaseModel] | None = None
    multipart: bool = False
    query: tuple[Query, ...] = ()
    public: bool = False
    headers: dict[int, dict[str, str]] = field(default_factory=dict)  # status -> header -> description
    content_type: str = "application/json"
    upload: dict[str, Any] | None = None  # the schema of a multipart/form-data body (a file upload)


def operation(summary: str, tag: str, answers: dict[int, tuple[str, Any]], **kwargs: Any) -> Callable[[View], View]:
    """Describe a view: `answers` maps each success status to (description, model, `[model]` or None);
    the errors it may give are added from `errors` (a status -> description dict) and the authentication ones."""
    def mark(view: View) -> View:
        view.api_operation = Operation(summary, tag, answers, **kwargs)  # type: ignore[attr-defined]
        return view
    return mark


def _model_ref(model: Any) -> dict[str, Any]:
    if isinstance(model, list):
        return {"type": "array", "items": _model_ref(model[0])}
    if isinstance(model, dict):
        return model
    return {"$ref": _REF.format(model=model.__name__)}


def _path_and_parameters(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = [{"name": name, "in": "path", "required": True, "schema": _PARAM_TYPES.get(conv, {"type": "string"})}
              for conv, name in _PARAM.findall(rule)]
    return _PARAM.sub(r"{\2}", rule), params


def _responses(op: Operation, errors: dict[int, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, (description, model) in op.answers.items():
        answer: dict[str, Any] = {"description": description}
        if model is not None:
            answer["content"] = {op.content_type: {"schema": _model_ref(model)}}
        if status in op.headers:
            answer["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                                 for name, text in op.headers[status].items()}
        out[str(status)] = answer
    refusals = errors if op.public else {**_ALWAYS, **errors}
    for status, description in sorted(refusals.items()):
        out[str(status)] = {"description": description,
                            "content": {"application/json": {"schema": {"$ref": _REF.format(model="Error")}}}}
    return out


def _errors(op: Operation, method: str, has_path_params: bool) -> dict[int, str]:
    errors: dict[int, str] = {}
    if has_path_params:
        errors[404] = "no such thing, or it is not the caller's to see"
    # every request passes the input guard: a character that cannot be stored, in any parameter, is a 400
    errors[400] = ("a query parameter is malformed (named in detail)" if op.query
                   else "a value in the request holds a character that cannot be stored (named in detail)")
    if method != "GET":
        errors.update({400: "malformed body or parameter (the field is named in detail)",
                       404: errors.get(404, "something the request names does not exist"),
                       409: "the state changed: already done, claimed by someone else, or a stale version",
                       413: "the body is too large", 415: "the body is not JSON",
                       422: "the values are refused (field -> problem in detail)"})
    return errors


def _operation(rule_path: str, method: str, endpoint: str, op: Operation) -> dict[str, Any]:
    _, params = _path_and_parameters(rule_path)
    params += [{"name": q.name, "in": "query", "required": False, "schema": q.schema, "description": q.description}
               for q in op.query]
    out: dict[str, Any] = {"operationId": endpoint.removeprefix("api."), "summary": op.summary, "tags": [op.tag],
                           "responses": _responses(op, _errors(op, method, bool(params)))}
    if params:
        out["parameters"] = params
    if op.public:
        out["security"] = []
    if op.body is not None:
        content = {"application/json": {"schema": _model_ref(op.body)}}
        if op.multipart:
            content["multipart/form-data"] = {"schema": {"type": "object", "additionalProperties": True}}
        out["requestBody"] = {"required": False, "content": content}
    if op.upload is not None:
        out["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": op.upload}}}
    return out


def undescribed(app: Flask) -> list[str]:
    """The API routes without an operation: the description would be incomplete."""
    return sorted(r.rule for r in app.url_map.iter_rules() if r.rule.startswith(f"{PREFIX}/")
                  and not hasattr(app.view_functions[r.endpoint], "api_operation"))


def document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for this app's API routes."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = getattr(app.view_functions[rule.endpoint], "api_operation", None)
        if not rule.rule.startswith(f"{PREFIX}/") or op is None:
            continue
        path, _ = _path_and_parameters(rule.rule.removeprefix(PREFIX))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.rule, method, rule.endpoint, op)
    _, schemas = models_json_schema([(m, "validation") for m in MODELS], ref_template=_REF)
    return {
        "openapi": "3.1.0",
        "info": {"title": "OpsFlow API", "version": "1",
                 "description": "Start flows, work tasks and send messages from other systems. Authenticate with "
                                "`Authorization: Bearer <token>` (a token from the account page or "
                                "`opsflow create-token`); GET needs scope `read`, other methods `act`, "
                                "administration `admin`."},
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": schemas.get("$defs", {}),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
