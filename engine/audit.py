"""The audit log: who did what, when, from where, and what it changed.

Append-only by construction: this module only inserts, and the migration puts
triggers on the table that refuse UPDATE and DELETE on SQLite and PostgreSQL,
so not even a hand-written statement can rewrite the record. A row is written
in the transaction of the action it records: an action that rolls back leaves
no audit row, and an audit row never describes something that did not happen.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base


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
    session.add(AuditEntry(at=at, actor=actor[:100], address=(address or None) and address[:64],
                           action=action[:60], target=target[:300], detail=detail))


__all__ = ["AuditEntry", "record"]
