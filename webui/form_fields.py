"""Turn a process's JSON form definition into fields a template can draw.

The same definition validates on the server (engine.forms), so the page only
has to lay fields out, keep what the person typed, and put each error, in
their language, beside the field it belongs to. A "lines" field is drawn as
a table whose inputs are named `<field>-<row>-<column>` (rows from 1), the
numbering the engine's errors `<field>[<row>].<column>` use; fields the form
marks hidden are for other systems and are not drawn.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

INPUT_TYPES = {"integer": "number", "number": "number", "date": "date", "string": "text"}
BLANK_LINES = 3  # empty rows offered below what was typed, so a table needs no script to grow


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: str
    required: bool
    value: str
    error: str | None
    choices: tuple[Choice, ...] = ()
    input_type: str = "text"
    min: Any = None
    max: Any = None
    step: str | None = None
    max_length: int | None = None
    accept: str = ""  # a files field's types, as the file input's `accept` takes them: ".pdf,.png"
    columns: tuple[Field, ...] = ()          # a lines field: its columns, then its rows of cells
    rows: tuple[tuple[Field, ...], ...] = ()


def locale_key() -> str:
    """The key forms use for the current language: "zh_CN" (Babel itself says "zh_Hans_CN"), "en"."""
    locale = get_locale()
    if locale is None:
        return "en"
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def pick_label(label: Any, fallback: str = "") -> str:
    """The current language's text of a {"en": ..., "zh_CN": ...} label."""
    if isinstance(label, Mapping):
        key = locale_key()
        text = label.get(key) or label.get(key.split("_")[0]) or label.get("en")
        return str(text or next(iter(label.values()), fallback))
    return str(label) if label else fallback


def submitted(form: Mapping[str, Any] | None, posted: Mapping[str, str]) -> dict[str, Any]:
    """Only the form's own fields: a CSRF token or a stray input never reaches the workflow, nor a value
    for a field the engine takes from the signed-in person's account (`from_requester`: the department)."""
    out: dict[str, Any] = {}
    for spec in (form or {}).get("fields", []):
        name = spec["name"]
        if spec.get("from_requester"):
            continue
        if spec.get("type") == "lines":
            out[name] = _posted_rows(spec, posted)
        elif name in posted:
            out[name] = posted[name]
    return out


def _posted_rows(spec: Mapping[str, Any], posted: Mapping[str, str]) -> list[dict[str, str]]:
    """The table's rows in row order, leaving out rows with nothing typed in them."""
    columns = {c["name"] for c in spec.get("columns", [])}
    pattern = re.compile(rf"^{re.escape(spec['name'])}-(\d+)-(\w+)$")
    rows: dict[int, dict[str, str]] = {}
    for key in posted:
        match = pattern.match(key)
        if match and match.group(2) in columns:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = posted[key]
    return [rows[n] for n in sorted(rows) if any(v.strip() for v in rows[n].values())]


def fields(form: Mapping[str, Any] | None, values: Mapping[str, Any] | None = None,
           errors: Mapping[str, str] | None = None, skip: Iterable[str] = ()) -> list[Field]:
    values, errors, skipped = values or {}, errors or {}, set(skip)
    return [_field(spec, values, errors) for spec in (form or {}).get("fields", [])
            if spec["name"] not in skipped and not spec.get("hidden")]


def _field(spec: Mapping[str, Any], values: Mapping[str, Any], errors: Mapping[str, str],
           name: str | None = None) -> Field:
    """`name` stands in for the spec's own where a lines cell is drawn (values and errors keyed by it)."""
    name, kind = name or spec["name"], spec.get("type", "string")
    labels = spec.get("choice_labels", {})
    choices = tuple(Choice(c, pick_label(labels.get(c), c)) for c in spec.get("choices", []))
    raw = values.get(name)
    columns, rows = _table(spec, raw, errors) if kind == "lines" else ((), ())
    return Field(
        name=name, kind=kind, label=pick_label(spec.get("label"), spec["name"]),
        required=bool(spec.get("required")), value="" if raw is None or kind == "lines" else str(raw),
        error=_error(kind, errors[name]) if name in errors else None, choices=choices,
        input_type=INPUT_TYPES.get(kind, "text"), min=spec.get("min"), max=spec.get("max"),
        step="1" if kind == "integer" else "0.01" if kind == "number" else None,
        max_length=spec.get("max_length"), accept=",".join(spec.get("accept", [])), columns=columns, rows=rows,
    )


def _error(kind: str, message: str) -> str:
    if kind == "files" and message == "is required":
        return _("Attach at least one file.")
    return error_text(message)


def _table(spec: Mapping[str, Any], raw: Any, errors: Mapping[str, str]
           ) -> tuple[tuple[Field, ...], tuple[tuple[Field, ...], ...]]:
    name, specs = spec["name"], spec.get("columns", [])
    typed = [row for row in raw if isinstance(row, Mapping)] if isinstance(raw, list) else []
    rows = []
    for number, row in enumerate([*typed, *[{}] * BLANK_LINES], start=1):
        cells = []
        for column in specs:
            key, error = f"{name}-{number}-{column['name']}", f"{name}[{number}].{column['name']}"
            cells.append(_field(column, {key: row.get(column["name"])},
                                {key: errors[error]} if error in errors else {}, key))
        rows.append(tuple(cells))
    return tuple(_field(c, {}, {}) for c in specs), tuple(rows)


_PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"is required"), lambda m: _("This field is required.")),
    (re.compile(r"must be at most (\d+) files"), lambda m: _("At most %(n)s files.", n=m.group(1))),
    (re.compile(r"(?:must be files of type|is not allowed; allowed:) (.+)"),
     lambda m: _("Only these types of file: %(types)s.", types=m.group(1))),
    (re.compile(r"is larger than (\d+) MB"), lambda m: _("The file is too large (at most %(mb)s MB).", mb=m.group(1))),
    (re.compile(r"is empty|has no name"), lambda m: _("The file is empty or has no name.")),
    (re.compile(r"must be files uploaded"), lambda m: _("Attach the files with the form.")),
    (re.compile(r"must be at least (\S+)"), lambda m: _("Must be at least %(n)s.", n=m.group(1))),
    (re.compile(r"must be at most (\d+) characters"), lambda m: _("At most %(n)s characters.", n=m.group(1))),
    (re.compile(r"must be at most (\S+)"), lambda m: _("Must be at most %(n)s.", n=m.group(1))),
    (re.compile(r"must be a whole number"), lambda m: _("Enter a whole number.")),
    (re.compile(r"must be a (finite )?number"), lambda m: _("Enter a number.")),
    (re.compile(r"must be one of"), lambda m: _("Choose one of the options.")),
    (re.compile(r"must be a date"), lambda m: _("Enter a date (YYYY-MM-DD).")),
    (re.compile(r"must be true or false"), lambda m: _("Choose yes or no.")),
    (re.compile(r"must have at most (\d+) rows"), lambda m: _("At most %(n)s lines.", n=m.group(1))),
    (re.compile(r"must be a list of rows|must be an object"), lambda m: _("These values could not be read.")),
    (re.compile(r"your account has no department"),
     lambda m: _("Your account has no department yet: an administrator sets it.")),
    (re.compile(r"is your own department \((.*)\)"),
     lambda m: _("Your department is %(d)s; a request for another department is filed by someone there.",
                 d=m.group(1))),
    (re.compile(r"must be text"), lambda m: _("Enter text.")),
    (re.compile(r"cannot hold the character (\S+)"),
     lambda m: _("This text holds a character that cannot be stored (%(char)s).", char=m.group(1))),
    (re.compile(r"no current employee '(.*)'"), lambda m: _("No current employee %(number)s.", number=m.group(1))),
    (re.compile(r"(\S+) already has a review for (\S+)"),
     lambda m: _("%(number)s already has a review for %(period)s.", number=m.group(1), period=m.group(2))),
    (re.compile(r"is not a half-year"), lambda m: _("Enter a half-year such as 2026-H1.")),
    (re.compile(r"name someone other than the employee"), lambda m: _("Name someone other than the employee.")),
]


def error_text(message: str) -> str:
    """The engine's validation message in the reader's language (the engine's own words if unknown)."""
    for pattern, render in _PATTERNS:
        match = pattern.search(message)
        if match:
            return str(render(match))
    return message
