"""The business facts of a request, labelled and formatted for a decision.

Labels come from the process's start form (so a new process shows its own
words), plus the values the flow computes (amount, approval level) and who
asked. Money is shown as money; long text gets a full row, and a form's
lines a table of their own. Fields the form keeps hidden are not shown.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from . import labels
from .form_fields import pick_label
from .formatting import money, number, person

MONEY_KEYS = frozenset({"unit_price", "amount", "budget_remaining", "budget_at_check"})
COMPUTED: list[tuple[str, Any, str | None]] = [
    # key, label, shown right after this key (None: at the end)
    ("amount", _l("Amount"), "unit_price"),
    ("requester", _l("Requester"), None),
    ("approval_level", _l("Approval level"), None),
    ("budget_remaining", _l("Remaining budget"), None),  # purchase approval's finance.check_budget
    ("budget_at_check", _l("Remaining at the budget check"), None),  # set on an open task when it has changed
    ("employee_name", _l("Employee"), "employee_number"),  # performance review: what the steps before said
    ("self_rating", _l("Self rating"), None),
    ("rating", _l("Reviewer's rating"), None),
]


@dataclass(frozen=True)
class FactTable:
    headers: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    wide: bool = False
    emphasis: bool = False
    table: FactTable | None = None


def facts(data: Mapping[str, Any], start_form: Mapping[str, Any] | None) -> list[Fact]:
    if data.get("auto_approval_eligible") and data.get("approval_level") == "manager":  # the DMN's small requests
        data = {**data, "approval_level": "auto_or_manager"}
    out: list[Fact] = []
    for spec in (start_form or {}).get("fields", []):
        name = spec["name"]
        if name in data and not spec.get("hidden"):
            out.append(_fact(name, pick_label(spec.get("label"), name), data[name], spec))
        out.extend(_fact(key, str(label), data[key], {}) for key, label, anchor in COMPUTED
                   if anchor == name and _known(data, key))
    shown = {f.key for f in out}
    out.extend(_fact(key, str(label), data[key], {}) for key, label, _ in COMPUTED
               if _known(data, key) and key not in shown)
    return out


def _known(data: Mapping[str, Any], key: str) -> bool:
    """A computed value the flow has set (a step not taken leaves it empty: no self rating)."""
    return data.get(key) not in (None, "")


def _table(spec: Mapping[str, Any], rows: Any) -> FactTable:
    columns = spec.get("columns", [])
    return FactTable(
        headers=tuple(pick_label(c.get("label"), c["name"]) for c in columns),
        numeric=tuple(c.get("type") in ("integer", "number") for c in columns),
        rows=tuple(tuple(_text(c["name"], row.get(c["name"]), c) for c in columns)
                   for row in (rows if isinstance(rows, list) else []) if isinstance(row, Mapping)),
    )


def _fact(key: str, label: str, value: Any, spec: Mapping[str, Any]) -> Fact:
    if spec.get("type") == "lines":
        table = _table(spec, value)
        return Fact(key, label, str(len(table.rows)), wide=True, table=table)
    return Fact(key, label, _text(key, value, spec), wide=spec.get("type") == "text", emphasis=key == "amount")


def _text(key: str, value: Any, spec: Mapping[str, Any]) -> str:
    if value is None:
        return ""
    if key in MONEY_KEYS:
        return money(value)
    if key == "requester":
        return person(value)
    if key == "approval_level":
        return labels.approval_level(value)
    if spec.get("type") == "choice":
        return pick_label(spec.get("choice_labels", {}).get(value), str(value))
    if spec.get("type") == "files":  # the names; the files themselves are the request's attachments
        return ", ".join(map(str, value or []))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(value)
    return str(value)
