"""The business facts of a request, labelled and formatted for a decision.

Labels come from the process's start form (so a new process shows its own
words), plus the values the flow computes (amount, approval level) and who
asked. Money is shown as money; long text gets a full row.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from . import labels
from .form_fields import pick_label
from .formatting import money, number, person

MONEY_KEYS = frozenset({"unit_price", "amount", "budget_remaining"})
COMPUTED: list[tuple[str, Any, str | None]] = [
    # key, label, shown right after this key (None: at the end)
    ("amount", _l("Amount"), "unit_price"),
    ("requester", _l("Requester"), None),
    ("approval_level", _l("Approval level"), None),
    ("budget_remaining", _l("Remaining budget"), None),  # purchase approval's finance.check_budget
    ("employee_name", _l("Employee"), "employee_number"),  # performance review: what the steps before said
    ("self_rating", _l("Self rating"), None),
    ("rating", _l("Reviewer's rating"), None),
]


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    wide: bool = False
    emphasis: bool = False


def facts(data: Mapping[str, Any], start_form: Mapping[str, Any] | None) -> list[Fact]:
    out: list[Fact] = []
    for spec in (start_form or {}).get("fields", []):
        name = spec["name"]
        if name in data:
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


def _fact(key: str, label: str, value: Any, spec: Mapping[str, Any]) -> Fact:
    kind = spec.get("type")
    if key in MONEY_KEYS:
        text = money(value)
    elif key == "requester":
        text = person(value)
    elif key == "approval_level":
        text = labels.approval_level(value)
    elif kind == "choice":
        text = pick_label(spec.get("choice_labels", {}).get(value), str(value))
    elif kind == "files":  # the names; the files themselves are the request's attachments
        text = ", ".join(map(str, value or []))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = number(value)
    else:
        text = "" if value is None else str(value)
    return Fact(key, label, text, wide=kind == "text", emphasis=key == "amount")
