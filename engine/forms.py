"""Declarative task forms: what a user task asks for, validated on the server.

A form is JSON in `processes/<key>/forms/<name>.json`:
`{"title": {...}, "fields": [{"name", "type", "required", "choices", "min",
"max", "max_length", "required_if", "required_without", "hidden",
"from_requester", "label": {"en", "zh_CN"}}]}`; a `files` field also takes
`accept` (suffixes) and `max_files`. A `from_requester` field (`"department"`)
takes its value from the requester's account, never from the form or the API
caller: a request is filed for one's own department.
The same definition renders the HTML form and validates the API, so the
browser and other systems meet the same rules.

A "lines" field is a table: a list of rows whose "columns" are typed like
fields. Each row is validated column by column and a bad cell is reported
as `<field>[<row>].<column>` (rows counted from 1 as submitted), so a person
or another system knows which row and column to fix. Blank rows are dropped,
and a lines field always yields a list, empty when nothing was sent: a later
form that asks for the lines again replaces them. `required_without` makes a
field required when another is empty (single-item fields or lines); `hidden`
fields are accepted from other systems but not drawn on pages.
"""
from __future__ import annotations

import math
import os
from datetime import date
from typing import Any

from .errors import InvalidData
from .storable import INT64_MAX, INT64_MIN, fits_int64, unstorable_char

FIELD_TYPES = {"string", "text", "integer", "number", "choice", "boolean", "date", "files", "lines"}
MAX_ROWS = 200


REQUESTER_ATTRIBUTES = ("department",)


def from_requester(form: dict[str, Any] | None, data: dict[str, Any], actor: Any) -> dict[str, Any]:
    """`data` with each `from_requester` field set from `actor`; a different value sent is refused, naming it."""
    fixed = {f["name"]: f["from_requester"] for f in (form or {}).get("fields", []) if f.get("from_requester")}
    if not fixed:
        return data
    out, errors = dict(data), {}
    for name, attribute in fixed.items():
        own = getattr(actor, attribute, None)
        sent = data.get(name)
        if not own:
            errors[name] = f"your account has no {attribute}; an administrator sets it"
        elif sent not in (None, "", own):
            errors[name] = f"is your own {attribute} ({own}); a request for another is filed by someone there"
        out[name] = own
    if errors:
        raise InvalidData(errors)
    return out


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
        bad = unstorable_char(value)
        if bad:
            raise ValueError(f"cannot hold the character {bad}")
        if kind == "choice" and value not in field.get("choices", []):
            raise ValueError("must be one of " + ", ".join(field.get("choices", [])))
        if len(value) > int(field.get("max_length", 10000)):
            raise ValueError(f"must be at most {field.get('max_length', 10000)} characters")
        return value
    if kind == "integer":
        digits = isinstance(raw, str) and raw.strip().lstrip("-").isdigit()
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or (isinstance(raw, str) and not digits):
            raise ValueError("must be a whole number")
        # a long run of digits is refused before int() spends time on it
        value = int(raw) if not isinstance(raw, str) or len(raw.strip()) <= 20 else None
        if value is None or not fits_int64(value):
            raise ValueError(f"must be a whole number from {INT64_MIN} to {INT64_MAX}")
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


def _blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _empty(value: Any) -> bool:
    """Blank, or a list of rows with nothing in them: what `required_without` looks at."""
    if isinstance(value, list):
        return all(isinstance(row, dict) and all(_blank(v) for v in row.values()) for row in value)
    return _blank(value)


def _lines(field: dict[str, Any], raw: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The non-blank rows, every column converted (None where an optional cell is empty), and the cell errors."""
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise ValueError("must be a list of rows")
    columns = field.get("columns", [])
    rows: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for number, row in enumerate(raw, start=1):
        if all(_blank(row.get(c["name"])) for c in columns):
            continue
        clean: dict[str, Any] = {}
        for column in columns:
            name, value = column["name"], row.get(column["name"])
            clean[name] = None
            try:
                if _blank(value):
                    if column.get("required"):
                        raise ValueError("is required")
                else:
                    clean[name] = _convert(column, value)
            except ValueError as exc:
                errors[f"{field['name']}[{number}].{name}"] = str(exc)
        rows.append(clean)
    limit = int(field.get("max_rows", MAX_ROWS))
    if len(rows) > limit:
        raise ValueError(f"must have at most {limit} rows")
    return rows, errors


def _required(field: dict[str, Any], data: dict[str, Any]) -> bool:
    if field.get("required_without"):
        return _empty(data.get(field["required_without"]))
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
        if field.get("type") == "lines":
            try:
                cleaned[name], cell_errors = _lines(field, [] if raw is None else raw)
            except ValueError as exc:
                errors[name] = str(exc)
                continue
            errors.update(cell_errors)
            if not cleaned[name] and _required(field, data):
                errors[name] = "is required"
            continue
        if _blank(raw):
            if _required(field, data):
                errors[name] = "is required"
            elif "default" in field:  # an optional field the flow reads anyway (a service parameter)
                cleaned[name] = field["default"]
            continue
        try:
            cleaned[name] = _convert(field, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidData(errors)
    return cleaned
