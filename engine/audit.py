"""The audit log: who did what, when, from where, and what it changed.

What happens to a request (started, claimed, completed, handed over, commented...) is already
in the event log, written with the step; `search` reads both logs as one, so a step is not
recorded twice and an auditor still sees everything in one list.

Append-only by construction: this module only inserts, and the migration puts
triggers on the table that refuse UPDATE and DELETE on SQLite and PostgreSQL,
so not even a hand-written statement can rewrite the record. A row is written
in the transaction of the action it records: an action that rolls back leaves
no audit row, and an audit row never describes something that did not happen.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Select, String, cast, func, literal, select, union_all
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, Event
from .views import ADDRESS


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_actor_at", "actor", "at"),
                      Index("ix_audit_log_action_at", "action", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(session: Session, actor: str, action: str, target: str, at: datetime, address: str | None = None,
           **detail: Any) -> None:
    """Add one audit row to the caller's transaction (`action` such as `records.import`, `access.change`)."""
    address = address or ADDRESS.get()
    session.add(AuditEntry(at=at, actor=actor[:100], address=address[:64] if address else None,
                           action=action[:60], target=target[:300], detail=detail))




@dataclass(frozen=True)
class AuditQuery:
    """What an auditor looks for; every part optional. `action` matches a prefix (`records.`, `instance.`)."""

    actor: str | None = None
    action: str | None = None
    target: str | None = None  # a part of the target: `procurement.suppliers`, `instance 42`
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    address: str | None
    action: str
    target: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    offset: int
    more: bool  # there are rows after these: the page says so instead of stopping silently


def _entries() -> Select[Any]:
    a = AuditEntry.__table__.c
    return select(a.at, a.actor, a.address, a.action, a.target, a.detail, literal(0).label("source"), a.id)


def _events() -> Select[Any]:
    """The event log seen as audit rows: `instance.task_completed` on `instance 42 · Task_approve`."""
    e = Event.__table__.c
    target = literal("instance ") + cast(e.instance_id, String) + func.coalesce(literal(" · ") + e.task_name, "")
    return select(e.at, e.actor, e.address, (literal("instance.") + e.kind)
                  .label("action"), target.label("target"), e.detail, literal(1).label("source"), e.id)


def _filtered(q: Select[Any], query: AuditQuery) -> Select[Any]:
    c = q.selected_columns
    if query.actor:
        q = q.where(c.actor == query.actor)
    if query.action:
        q = q.where(c.action.startswith(query.action, autoescape=True))
    if query.target:
        q = q.where(c.target.contains(query.target, autoescape=True))
    if query.since:
        q = q.where(c.at >= query.since)
    if query.until:
        q = q.where(c.at < query.until)
    return q


def search(session: Session, query: AuditQuery, limit: int = 50, offset: int = 0) -> AuditPage:
    """The audit log and the event log together, newest first, one page at a time."""
    both = union_all(_filtered(_entries(), query), _filtered(_events(), query)).subquery()
    rows = session.execute(select(both).order_by(both.c.at.desc(), both.c.source, both.c.id.desc())
                           .limit(limit + 1).offset(offset)).all()
    return AuditPage([AuditRow(r.at, r.actor, r.address, r.action, r.target, r.detail or {}) for r in rows[:limit]],
                     offset, len(rows) > limit)


def all_rows(session: Session, query: AuditQuery, cap: int) -> Iterator[AuditRow]:
    """For the export: every matching row, newest first, at most `cap` of them."""
    both = union_all(_filtered(_entries(), query), _filtered(_events(), query)).subquery()
    for r in session.execute(select(both).order_by(both.c.at.desc(), both.c.source, both.c.id.desc()).limit(cap)):
        yield AuditRow(r.at, r.actor, r.address, r.action, r.target, r.detail or {})


__all__ = ["ADDRESS", "AuditEntry", "AuditPage", "AuditQuery", "AuditRow", "all_rows", "record", "search"]
