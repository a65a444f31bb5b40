"""Revising a returned request: what the requester changed, kept in the request's history as a
`request_revised` event and shown to the next approver as a diff (20 → 10 pens).

A revise task is one whose form asks again for fields of the start form. Fields the start form marks
`sensitive` never enter the event log, so they are left out of the diff too; `hidden` ones (kept for older
clients, computed by the flow) are not the requester's to change.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from engine import Actor, InstanceView, WorkflowEngine, record

from ..form_fields import pick_label
from ..formatting import money, number

KIND = "request_revised"
MONEY = frozenset({"unit_price", "amount"})


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


def revised_fields(form: Mapping[str, Any] | None, start_form: Mapping[str, Any] | None) -> list[str]:
    """The start-form fields this task's form asks again (none: not a revise task)."""
    asked = {f["name"] for f in (start_form or {}).get("fields", []) if not (f.get("sensitive") or f.get("hidden"))}
    return [f["name"] for f in (form or {}).get("fields", []) if f["name"] in asked]


def _lines(value: Any) -> list[Mapping[str, Any]]:
    return [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []


def changes(names: list[str], before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What differs, as data for the log: a field's old and new value, or a line's column's."""
    out: list[dict[str, Any]] = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if isinstance(old, list) or isinstance(new, list):
            old_rows, new_rows = _lines(old), _lines(new)
            for i in range(max(len(old_rows), len(new_rows))):
                a = old_rows[i] if i < len(old_rows) else {}
                b = new_rows[i] if i < len(new_rows) else {}
                out.extend({"field": name, "line": i + 1, "column": col, "before": a.get(col), "after": b.get(col)}
                           for col in dict.fromkeys([*a, *b]) if a.get(col) != b.get(col)
                           and not (a.get(col) in (None, "") and b.get(col) in (None, "")))
        elif old != new and not (old in (None, "") and new in (None, "")):
            out.append({"field": name, "before": old, "after": new})
    return out


def keep(engine: WorkflowEngine, instance: InstanceView, actor: Actor, task_id: str,
         found: list[dict[str, Any]]) -> None:
    if found:
        record(engine, instance.id, KIND, actor.username, task_id=task_id, changes=found)


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if name in MONEY:
        return money(value)
    return number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def readable(found: list[dict[str, Any]], start_form: Mapping[str, Any] | None) -> list[Change]:
    """The changes in the reader's words: the start form's labels, money as money."""
    specs = {f["name"]: f for f in (start_form or {}).get("fields", [])}
    out = []
    for c in found:
        spec = specs.get(c.get("field", ""), {})
        label = pick_label(spec.get("label"), c.get("field", ""))
        what, key = label, c.get("field", "")
        if "line" in c:
            column = next((col for col in spec.get("columns", []) if col["name"] == c.get("column")), {})
            key = c.get("column") or ""
            what = _("Line %(n)s · %(column)s", n=c["line"], column=pick_label(column.get("label"), key))
        out.append(Change(what, _shown(key, c.get("before")), _shown(key, c.get("after"))))
    return out


def last_revision(instance: InstanceView) -> list[dict[str, Any]]:
    """The changes of the latest revision, when no decision has been taken on the request since."""
    for event in reversed(instance.history):
        if event.kind == KIND:
            return list((event.detail or {}).get("changes") or [])
        if event.kind == "task_completed" and (event.detail or {}).get("outcome") in ("approve", "reject", "return"):
            return []
    return []
