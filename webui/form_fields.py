"""Turn a process's JSON form definition into fields a template can draw.

The same definition validates on the server (engine.forms), so the page only
has to lay fields out, keep what the person typed, and put each error, in
their language, beside the field it belongs to.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

INPUT_TYPES = {"integer": "number", "number": "number", "date": "date", "string": "text"}


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


def field_names(form: Mapping[str, Any] | None) -> list[str]:
    return [f["name"] for f in (form or {}).get("fields", [])]


def submitted(form: Mapping[str, Any] | None, posted: Mapping[str, str]) -> dict[str, str]:
    """Only the form's own fields: a CSRF token or a stray input never reaches the workflow."""
    return {name: posted[name] for name in field_names(form) if name in posted}


def fields(form: Mapping[str, Any] | None, values: Mapping[str, Any] | None = None,
           errors: Mapping[str, str] | None = None, skip: Iterable[str] = ()) -> list[Field]:
    values, errors, skipped = values or {}, errors or {}, set(skip)
    return [_field(spec, values, errors) for spec in (form or {}).get("fields", []) if spec["name"] not in skipped]


def _field(spec: Mapping[str, Any], values: Mapping[str, Any], errors: Mapping[str, str]) -> Field:
    name, kind = spec["name"], spec.get("type", "string")
    labels = spec.get("choice_labels", {})
    choices = tuple(Choice(c, pick_label(labels.get(c), c)) for c in spec.get("choices", []))
    raw = values.get(name)
    return Field(
        name=name, kind=kind, label=pick_label(spec.get("label"), name),
        required=bool(spec.get("required")), value="" if raw is None else str(raw),
        error=_error(kind, errors[name]) if name in errors else None, choices=choices,
        input_type=INPUT_TYPES.get(kind, "text"), min=spec.get("min"), max=spec.get("max"),
        step="1" if kind == "integer" else "0.01" if kind == "number" else None,
        max_length=spec.get("max_length"), accept=",".join(spec.get("accept", [])),
    )


def _error(kind: str, message: str) -> str:
    if kind == "files" and message == "is required":
        return _("Attach at least one file.")
    return error_text(message)


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
    (re.compile(r"must be text"), lambda m: _("Enter text.")),
]


def error_text(message: str) -> str:
    """The engine's validation message in the reader's language (the engine's own words if unknown)."""
    for pattern, render in _PATTERNS:
        match = pattern.search(message)
        if match:
            return str(render(match))
    return message
