"""Declarative task forms: what a user task asks for, validated on the server.

A form is JSON in `processes/<key>/forms/<name>.json`:
`{"title": {...}, "fields": [{"name", "type", "required", "choices", "min",
"max", "max_length", "required_if", "label": {"en", "zh_CN"}}]}`; a `files`
field also takes `accept` (suffixes) and `max_files`.
The same definition renders the HTML form and validates the API, so the
browser and other systems meet the same rules.
"""
from __future__ import annotations

import math
import os
from datetime import date
from typing import Any

from .errors import InvalidData

FIELD_TYPES = {"string", "text", "integer", "number", "choice", "boolean", "date", "files"}


def _file_names(field: dict[str, Any], raw: Any) -> list[str]:
    """A `files` field takes uploads kept aside by the caller (objects with a `filename`), never names
    a client made up; the instance keeps their names, the files become its attachments."""
    if not isinstance(raw, (list, tuple)) or not all(isinstance(getattr(f, "filename", None), str) for f in raw):
        raise ValueError("must be files uploaded with the form (multipart/form-data)")
    limit = int(field.get("max_files", 10))
    if len(raw) > limit:
        raise ValueError(f"must be at most {limit} files")
    accept = [a.lower() for a in field.get("accept", [])]
    if accept and any(os.path.splitext(f.filename)[1].lower() not in accept for f in raw):
        raise ValueError("must be files of type " + ", ".join(accept))
    return [f.filename for f in raw]


def _convert(field: dict[str, Any], raw: Any) -> Any:
    kind = field.get("type", "string")
    if kind == "files":
        return _file_names(field, raw)
    if kind in ("string", "text", "choice"):
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise ValueError("must be text")
        value: Any = str(raw).strip()
        if kind == "choice" and value not in field.get("choices", []):
            raise ValueError("must be one of " + ", ".join(field.get("choices", [])))
        if len(value) > int(field.get("max_length", 10000)):
            raise ValueError(f"must be at most {field.get('max_length', 10000)} characters")
        return value
    if kind == "integer":
        digits = isinstance(raw, str) and raw.strip().lstrip("-").isdigit()
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (isinstance(raw, str) and not digits):
            raise ValueError("must be a whole number")
        value = int(raw)
    elif kind == "number":
        try:
            if isinstance(raw, bool):
                raise TypeError
            value = float(raw)
        except (TypeError, ValueError):
            raise ValueError("must be a number") from None
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    elif kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "1", "on", "yes"):
            return True
        if str(raw).lower() in ("false", "0", "off", "no", ""):
            return False
        raise ValueError("must be true or false")
    elif kind == "date":
        try:
            return date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
    else:
        raise ValueError(f"unknown field type {kind}")
    if "min" in field and value < field["min"]:
        raise ValueError(f"must be at least {field['min']}")
    if "max" in field and value > field["max"]:
        raise ValueError(f"must be at most {field['max']}")
    return value


def _required(field: dict[str, Any], data: dict[str, Any]) -> bool:
    cond = field.get("required_if")
    if cond:
        # a value, or a list of values any of which makes the field required
        return all(data.get(k) in v if isinstance(v, list) else data.get(k) == v for k, v in cond.items())
    return bool(field.get("required"))


def validate(form: dict[str, Any], data: Any) -> dict[str, Any]:
    """Return the cleaned values of the form's fields, or raise InvalidData naming each bad field."""
    if not isinstance(data, dict):
        raise InvalidData({"data": "must be an object"})
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in form.get("fields", []):
        name = field["name"]
        raw = data.get(name)
        if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
            if _required(field, data):
                errors[name] = "is required"
            continue
        try:
            cleaned[name] = _convert(field, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidData(errors)
    return cleaned
