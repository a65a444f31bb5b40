"""Reading API requests: a JSON object body with known fields (or multipart text parts beside
files), and bounded integer parameters.

Bodies are parsed by `bounded_json` (depth, finite numbers, storable text), so
the JSON in a multipart `data` part meets the same bounds as a JSON body.

Each failure names the problem (the JSON error and its position, the
missing or unknown field, the bad parameter) so a client developer can
fix the call without reading our code.
"""
from __future__ import annotations

import json
from typing import Any

from flask import request
from pydantic import BaseModel, ValidationError

from engine import INT64_MAX

from ..bounded_json import RefusedValue, loads
from .errors import ApiError

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}


def json_body(allowed: frozenset[str]) -> dict[str, Any]:
    """The request body as a JSON object whose keys are all in `allowed`; an empty body is `{}`."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if request.mimetype and request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise ApiError(415, "unsupported content type", f"send application/json, not {request.mimetype}")
    try:
        body = loads(raw)
    except RefusedValue as exc:
        raise ApiError(400, "a value in the body is refused", {exc.path: exc.reason}) from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, "malformed JSON body", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "malformed JSON body", str(exc)) from None
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object",
                       f"got {_JSON_TYPES.get(type(body), type(body).__name__)}")
    unknown = sorted(set(body) - allowed)
    if unknown:
        expected = ", ".join(sorted(allowed))
        raise ApiError(400, "unknown field " + ", ".join(repr(k) for k in unknown),
                       {k: f"is not a field of this request (expected: {expected})" for k in unknown})
    return body


_PROBLEMS = {"missing": "is required", "string_type": "must be a string", "dict_type": "must be an object",
             "int_type": "must be an integer", "bool_type": "must be a boolean", "list_type": "must be an array"}


def _problem(error: Any) -> str:
    if error["type"] == "string_too_long":
        return f"must be at most {error['ctx']['max_length']} characters"
    if error["type"] == "string_too_short":
        return "must not be empty"
    return _PROBLEMS.get(error["type"], str(error["msg"]).lower())


def checked(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """`body` checked against the request's schema, the one its description shows: 400 naming each bad field."""
    try:
        model.model_validate(body)
    except ValidationError as exc:
        detail = {".".join(str(p) for p in e["loc"]) or "body": _problem(e) for e in exc.errors()}
        name, problem = next(iter(detail.items()))
        error = f"missing field {name!r}" if problem == "is required" else f"field {name!r} {problem}"
        raise ApiError(400, error, detail) from None
    return body


def model_body(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON body of a request described by `model` (its fields, and their types)."""
    return checked(model, json_body(frozenset(model.model_fields)))


def multipart_body(allowed: frozenset[str]) -> dict[str, Any]:
    """The text parts of a multipart request (`data` holds a JSON object); its files are read apart."""
    unknown = sorted({name or "" for name in request.form} - allowed)  # a part without a name has None
    if unknown:
        raise ApiError(400, "unknown field " + ", ".join(repr(k) for k in unknown),
                       {k: f"is not a part of this request (expected: {', '.join(sorted(allowed))})" for k in unknown})
    body: dict[str, Any] = dict(request.form.items())
    try:
        body["data"] = loads(body.get("data") or "{}")
    except RefusedValue as exc:
        raise ApiError(400, "a value in the data part is refused", {f"data.{exc.path}": exc.reason}) from None
    except ValueError as exc:
        raise ApiError(400, "the data part is not JSON", {"data": str(exc)}) from None
    if not isinstance(body["data"], dict):
        raise ApiError(400, "the data part must be a JSON object", {"data": "must be an object"})
    return body


def required_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApiError(400, f"missing field {name!r}", {name: "is required"})
    if not isinstance(value, str):
        raise ApiError(400, f"field {name!r} must be a string", {name: "must be a string"})
    return value.strip()


def optional_text(body: dict[str, Any], name: str, max_length: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"field {name!r} must be a string", {name: "must be a string"})
    if len(value) > max_length:
        raise ApiError(400, f"field {name!r} is too long", {name: f"must be at most {max_length} characters"})
    return value.strip() or None


def int_arg(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    """A query parameter as an integer; above `maximum` it is capped, below `minimum` it is refused,
    and without a `maximum` so is one too large for the database (64 bits)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"parameter {name!r} must be an integer", {name: f"got {raw!r}"}) from None
    if value < minimum:
        raise ApiError(400, f"parameter {name!r} must be at least {minimum}", {name: f"got {value}"})
    if maximum is None and value > INT64_MAX:
        raise ApiError(400, f"parameter {name!r} must be at most {INT64_MAX}", {name: f"got {value}"})
    return min(value, maximum) if maximum is not None else value
