"""Rule sets as data: versioned, effective-dated, with an audit of who changed what.

A rule set belongs to one user task of one process (`purchase_approval` /
`Task_manager_approval`) and runs on its own crontab schedule, each run a job
(`rules.scheduled`). Its rules live in versions: one editable draft at a
time, published versions are frozen and take effect from `effective_from`
until the next published version starts. The business edits them in the admin
pages; no code change and no deploy.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base

from .cron import DEFAULT_SCHEDULE


class RuleSet(Base):
    __tablename__ = "rule_sets"
    __table_args__ = (UniqueConstraint("process_key", "task_name", name="uq_rule_set_task"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    process_key: Mapped[str] = mapped_column(String(200))
    task_name: Mapped[str] = mapped_column(String(200))
    schedule: Mapped[str] = mapped_column(String(100), default=DEFAULT_SCHEDULE)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RuleSetVersion(Base):
    """The rules themselves: a JSON list of {name, decision, when: [{fact, op, value}]}."""

    __tablename__ = "rule_set_versions"
    __table_args__ = (UniqueConstraint("rule_set_id", "version", name="uq_rule_set_version"),
                      Index("ix_rule_set_versions_live", "rule_set_id", "status", "effective_from"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # draft | published
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    effective_from: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class RuleAudit(Base):
    """Append-only: every draft edit and publication, by whom, with the rules as they were."""

    __tablename__ = "rule_audit"
    __table_args__ = (Index("ix_rule_audit_set", "rule_set_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id"))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EscalationPolicy(Base):
    """For one candidate group: who its manager is, and how long past due before the task goes to them.

    A task open past its due time is reminded at once; `reassign_after_hours` later it is
    reassigned to `manager`. Each step is an event in the instance's log.
    """

    __tablename__ = "escalation_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_group: Mapped[str] = mapped_column(String(200), unique=True)
    manager: Mapped[str] = mapped_column(String(100))
    reassign_after_hours: Mapped[int] = mapped_column(Integer, default=24)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
