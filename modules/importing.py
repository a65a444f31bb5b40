"""Importing master data row by row: every rejected row is reported with its reasons.

A spreadsheet arrives as plain dicts (the web layer reads the .xlsx). Each
module supplies a row parser that turns one dict into column values or a
list of reasons; `import_rows` then writes all rows or none (the default),
or, when the user explicitly asks for it, only the valid ones. Rows are
matched on their key column, so importing the same file twice updates
instead of duplicating.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

MODES = ("all_or_nothing", "valid_rows")
MAX_NUMBER = 1e12  # every imported amount column (NUMERIC(14, 2) and wider) and integer holds it


# The English of each reason code (logs, the audit trail and the REST API read it); the web layer words the
# same code in its reader's language (webui/reasons.py), so the modules never need Flask to speak Chinese.
ENGLISH = {
    "required": "required",
    "too_long": "at most {max_length} characters",
    "not_number": "{value!r} is not a number",
    "out_of_range": "must be between -{limit:g} and {limit:g}",
    "not_whole": "must be a whole number",
    "too_small": "must be at least {minimum:g}",
    "too_large": "must be at most {maximum:g}",
    "not_choice": "{value!r} is not one of {choices}",
    "not_date": "{value!r} is not a date (YYYY-MM-DD)",
    "not_email": "{value!r} is not an e-mail address",
    "not_year": "must be a year such as 2026, not {value!r}",
    "repeats_row": "{value} repeats row {row}",
    "no_department": "no department {value!r}",
    "no_supplier": "no supplier {value}",
    "before": "must not be before {other}",
    # the lines of an order or a requisition; the line's number and column are in the sentence itself
    "no_lines": "at least one line is required",
    "too_many_lines": "at most {limit} lines",
    "not_json_lines": "must be a JSON list of lines",
    "not_line": "must be an object with {columns}",
    "no_item": "no item {value}",
    "item_status": "item {value} is {status}",
    "line_not_line": "line {line}: must be an object with {columns}",
    "line_required": "line {line}: {field} is required",
    "line_too_long": "line {line}: {field} must be at most {max_length} characters",
    "line_not_positive_whole": "line {line}: {field} must be a positive whole number, not {value!r}",
    "line_not_positive": "line {line}: {field} must be a positive number, not {value!r}",
}


class Reason(str):
    """Why a value is refused: the English sentence ("rating: must be at most 5"), and its stable code, field
    and parameters, so a screen says it in its reader's language and names the field by its label.

    A str, so every caller that logs, joins or compares reasons keeps working unchanged.
    """

    code: str
    field: str
    params: dict[str, Any]

    def __new__(cls, code: str, field: str = "", **params: Any) -> Reason:
        shown = {k: ", ".join(map(str, v)) if isinstance(v, tuple | list) else v for k, v in params.items()}
        template = ENGLISH[code]
        if "{field}" in template:  # the sentence names the field itself ("line 2: quantity must be ...")
            text = template.format(field=field.replace("_", " "), **shown)
        else:
            text = f"{field}: {template.format(**shown)}" if field else template.format(**shown)
        self = super().__new__(cls, text)
        self.code, self.field, self.params = code, field, params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reason, (self.code, self.field, self.params))


def _reason(code: str, field: str, params: dict[str, Any]) -> Reason:
    return Reason(code, field, **params)


class RowRejected(ValueError):
    """Raised by a row parser; carries every reason the row is refused."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class RejectedRow:
    row: int          # the spreadsheet row number (the header is row 1; `_row` in the input if given)
    key: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    mode: str
    total: int
    created: int
    updated: int
    rejected: tuple[RejectedRow, ...] = field(default_factory=tuple)
    # what was written, for the audit log: {key: {"created": True}} or {key: {column: [before, after]}}
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def written(self) -> bool:
        return self.created + self.updated > 0


def text(values: dict[str, Any], name: str, reasons: list[str], *, required: bool = True,
         max_length: int = 200) -> str:
    raw = values.get(name)
    value = "" if raw is None else str(raw).strip()
    if required and not value:
        reasons.append(Reason("required", name))
    elif len(value) > max_length:
        reasons.append(Reason("too_long", name, max_length=max_length))
    return value


def number(values: dict[str, Any], name: str, reasons: list[str], *, minimum: float | None = None,
           maximum: float | None = None, whole: bool = False, default: float | None = None) -> float:
    raw = values.get(name)
    if raw is None or str(raw).strip() == "":
        if default is not None:
            return default
        reasons.append(Reason("required", name))
        return 0
    try:
        value = float(str(raw).replace(",", "").strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # "nan" and "inf" read as floats too
        reasons.append(Reason("not_number", name, value=raw))
        return 0
    if abs(value) > MAX_NUMBER:
        reasons.append(Reason("out_of_range", name, limit=MAX_NUMBER))
        return 0
    if whole and value != int(value):
        reasons.append(Reason("not_whole", name))
    if minimum is not None and value < minimum:
        reasons.append(Reason("too_small", name, minimum=minimum))
    if maximum is not None and value > maximum:
        reasons.append(Reason("too_large", name, maximum=maximum))
    return int(value) if whole else value


def choice(values: dict[str, Any], name: str, choices: tuple[str, ...], reasons: list[str],
           default: str | None = None) -> str:
    value = str(values.get(name) or "").strip() or (default or "")
    if value not in choices:
        reasons.append(Reason("not_choice", name, value=value, choices=choices))
    return value


def day(values: dict[str, Any], name: str, reasons: list[str]) -> date | None:
    """A date cell (Excel gives a datetime) or YYYY-MM-DD text."""
    raw = values.get(name)
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if raw is None or not str(raw).strip():
        reasons.append(Reason("required", name))
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        reasons.append(Reason("not_date", name, value=raw))
        return None


def import_rows(session: Session, model: type, key: str, rows: Iterable[dict[str, Any]],
                parse: Callable[[dict[str, Any]], dict[str, Any]], mode: str = "all_or_nothing") -> ImportReport:
    """Validate every row, then write all (or, in "valid_rows" mode, the valid ones) in one savepoint.

    The caller commits; in all-or-nothing mode a single bad row means nothing is written.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    parsed: list[tuple[int, dict[str, Any]]] = []
    rejected: list[RejectedRow] = []
    seen: dict[str, int] = {}
    total = 0
    for position, values in enumerate(rows, start=2):
        number_ = int(values.get("_row", position))
        total += 1
        try:
            clean = parse(values)
        except RowRejected as exc:
            rejected.append(RejectedRow(number_, str(values.get(key) or ""), tuple(exc.reasons)))
            continue
        if clean[key] in seen:
            again = Reason("repeats_row", key, value=clean[key], row=seen[clean[key]])
            rejected.append(RejectedRow(number_, clean[key], (again,)))
            continue
        seen[clean[key]] = number_
        parsed.append((number_, clean))
    if mode == "all_or_nothing" and rejected:
        return ImportReport(mode, total, 0, 0, tuple(rejected))
    created = updated = 0
    changes: dict[str, dict[str, Any]] = {}
    with session.begin_nested():
        for _, clean in parsed:
            existing = session.scalar(select(model).where(getattr(model, key) == clean[key]))
            if existing is None:
                session.add(model(**clean))
                changes[str(clean[key])] = {"created": {n: _plain(v) for n, v in clean.items()}}
                created += 1
            else:
                changed = {n: [_plain(getattr(existing, n)), _plain(v)] for n, v in clean.items()
                           if getattr(existing, n) != v}
                for name, value in clean.items():
                    setattr(existing, name, value)
                if changed:
                    changes[str(clean[key])] = changed
                updated += 1
    return ImportReport(mode, total, created, updated, tuple(rejected), changes)


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON keeps it."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
