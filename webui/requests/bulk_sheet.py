"""A sheet of requests for a process's start form: its template's columns, its rows read back as requests.

Layout (the bulk page explains it to the reader): one column per start-form field, headed by the
field's label in the reader's language with the field's key in brackets (`Supplier [supplier]`), so a
sheet filled in either language maps back. A form with a line-item table gets one column per table
column (`Lines · Quantity [lines.quantity]`) and a `[request]` column: rows sharing a request key are
one request, one row per line, the other fields read from the group's first row; a row with no request
key is a request of its own. Fields taken from the starter's account (the department), hidden fields
and file fields are not in the sheet.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from ..form_fields import error_text, pick_label

REQUEST = "request"
_KEY = re.compile(r"\[([^\[\]]+)\]\s*$")
_LINE_ERROR = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def _sheet_fields(form: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return [f for f in (form or {}).get("fields", [])
            if not f.get("from_requester") and not f.get("hidden") and f.get("type") != "files"]


def columns(form: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(key, header) of each column of the template, in form order."""
    out: list[tuple[str, str]] = []
    specs = _sheet_fields(form)
    if any(f.get("type") == "lines" for f in specs):
        out.append((REQUEST, f"{_('Request key')} [{REQUEST}]"))
    for spec in specs:
        label = pick_label(spec.get("label"), spec["name"])
        if spec.get("type") == "lines":
            for column in spec.get("columns", []):
                key = f"{spec['name']}.{column['name']}"
                out.append((key, f"{label} · {pick_label(column.get('label'), column['name'])} [{key}]"))
        else:
            out.append((spec["name"], f"{label} [{spec['name']}]"))
    return out


def key_of(header: str) -> str:
    """The field key a header names: what is in its closing brackets, or the header itself."""
    match = _KEY.search(header)
    return (match.group(1) if match else header).strip().lower()


def _value(raw: Any) -> Any:
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        return raw.strip()
    return raw


def requests_from(form: Mapping[str, Any] | None, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The sheet's rows (as xlsx_read gives them) as requests: {"key", "rows", "line_rows", "data"} each."""
    specs = _sheet_fields(form)
    plain = {f["name"].lower(): f["name"] for f in specs if f.get("type") != "lines"}
    tables = {f["name"].lower(): (f["name"], {c["name"].lower(): c["name"] for c in f.get("columns", [])})
              for f in specs if f.get("type") == "lines"}
    out: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        values = {key_of(str(k)): _value(v) for k, v in row.items() if k != "_row"}
        group = str(values.get(REQUEST) or "").strip()
        request = groups.get(group) if group else None
        if request is None:
            request = {"key": group, "rows": [], "line_rows": [], "data": {name: [] for name, _c in tables.values()}}
            out.append(request)
            if group:
                groups[group] = request
            for key, name in plain.items():
                if values.get(key) not in (None, ""):
                    request["data"][name] = values[key]
        request["rows"].append(row.get("_row"))
        for table_key, (name, cells) in tables.items():
            line = {cells[c]: v for k, v in values.items() if k.startswith(table_key + ".")
                    and (c := k.split(".", 1)[1]) in cells and v not in (None, "")}
            if line:
                request["data"][name].append(line)
                request["line_rows"].append(row.get("_row"))
    return out


def _where(field: str, request: Mapping[str, Any], headers: Mapping[str, str]) -> tuple[Any, str]:
    """(sheet row, column header) an engine error key points to."""
    rows, line_rows = request.get("rows") or [None], request.get("line_rows") or []
    match = _LINE_ERROR.match(field)
    if match:
        number = int(match.group(2))
        row = line_rows[number - 1] if 0 < number <= len(line_rows) else rows[0]
        key = f"{match.group(1)}.{match.group(3)}"
        return row, headers.get(key, key)
    return rows[0], headers.get(field, field)


def result_rows(form: Mapping[str, Any] | None, requests: Sequence[Mapping[str, Any]],
                outcomes: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """One line per sheet row of a request: its row number, request key, instance number or what was wrong."""
    headers = dict(columns(form))
    out: list[list[Any]] = []
    for request, outcome in zip(requests, outcomes, strict=False):
        rows = request.get("rows") or []
        group = request.get("key") or ""
        if outcome.get("instance_id"):
            out.extend([row, group, outcome["instance_id"], _("Started")] for row in rows)
            continue
        problems: dict[Any, list[str]] = {}
        for field, message in (outcome.get("errors") or {}).items():
            if field == "data":
                problems.setdefault(rows[0] if rows else None, []).append(error_text(str(message)))
                continue
            row, header = _where(field, request, headers)
            problems.setdefault(row, []).append(_("Column %(column)s: %(message)s", column=header,
                                                  message=error_text(str(message))))
        for row in rows:
            text = "; ".join(problems.get(row, [])) or _("Not started: another row of this request is wrong.")
            out.append([row, group, None, text])
    return out


def result_headers() -> list[str]:
    return [_("Row"), _("Request key"), _("Instance"), _("Result")]
