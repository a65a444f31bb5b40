"""The inbox's filters, sort orders and search, read from the query string and turned into SQL.

The same query string is what a saved filter stores, so a saved filter is
just a bookmark of the list as the person left it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Float, and_, cast, or_
from werkzeug.datastructures import MultiDict

from engine import HumanTask, ProcessInstance

from ..formatting import day_end, day_start

SORTS = ("due", "priority", "age", "process")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    process: str = ""
    requester: str = ""
    department: str = ""
    amount_min: float | None = None
    amount_max: float | None = None
    created_from: date | None = None
    created_to: date | None = None
    sort: str = "due"

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in ("", None) for f in fields(self) if f.name != "sort")

    def query_string(self) -> str:
        pairs = {f.name: getattr(self, f.name) for f in fields(self)}
        return urlencode({k: v.isoformat() if isinstance(v, date) else v for k, v in pairs.items()
                          if v not in ("", None) and not (k == "sort" and v == "due")})

    def args(self) -> dict[str, Any]:
        return dict(pair.split("=", 1) for pair in self.query_string().split("&") if "=" in pair)


def _number(raw: str | None) -> float | None:
    """NaN and infinity are unreadable too: no amount is at least NaN, and PostgreSQL sorts it above all."""
    try:
        value = float(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse(args: MultiDict[str, str]) -> Filters:
    """Unreadable values are dropped rather than refused: a filter is a view, not a decision."""
    sort = args.get("sort", "due")
    return Filters(
        q=args.get("q", "").strip()[:200], process=args.get("process", "").strip(),
        requester=args.get("requester", "").strip(), department=args.get("department", "").strip(),
        amount_min=_number(args.get("amount_min")), amount_max=_number(args.get("amount_max")),
        created_from=_day(args.get("created_from")), created_to=_day(args.get("created_to")),
        sort=sort if sort in SORTS else "due")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def conditions(f: Filters) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.q:
        out.append(or_(HumanTask.title.ilike(_like(f.q), escape="\\"),
                       ProcessInstance.business_key.ilike(_like(f.q), escape="\\")))
    if f.process:
        out.append(HumanTask.process_key == f.process)
    if f.requester:
        out.append(ProcessInstance.started_by == f.requester)
    if f.department:
        out.append(ProcessInstance.summary["department"].as_string() == f.department)
    amount = cast(ProcessInstance.summary["amount"].as_float(), Float)
    if f.amount_min is not None:
        out.append(amount >= f.amount_min)
    if f.amount_max is not None:
        out.append(amount <= f.amount_max)
    if f.created_from:
        out.append(HumanTask.created_at >= day_start(f.created_from))
    if f.created_to:
        out.append(HumanTask.created_at < day_end(f.created_to))
    return [and_(*out)] if out else []


def order(f: Filters, tab: str) -> list[Any]:
    if tab == "done":
        return [HumanTask.completed_at.desc(), HumanTask.id]
    if f.sort == "priority":
        return [HumanTask.priority.desc(), HumanTask.due_at, HumanTask.id]
    if f.sort == "age":
        return [HumanTask.created_at, HumanTask.id]
    if f.sort == "process":
        return [HumanTask.process_key, HumanTask.created_at, HumanTask.id]
    return [HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id]
