"""Tables the engine owns.

Runtime rows (instances, open human tasks) and history (the event log) are
kept apart so that an inbox query never touches history and history never
slows a step. Flask-SQLAlchemy binds `Base` in the web app; everything else
uses it directly.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .views import ADDRESS


class Base(DeclarativeBase):
    """Declarative base shared by the engine and the business modules."""


class ProcessDefinition(Base):
    """One deployed version of a BPMN process; the parsed spec is stored once here."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_definition_key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500), default="")
    bpmn_xml: Mapped[str] = mapped_column(Text)
    dmn_xml: Mapped[list[str]] = mapped_column(JSON, default=list)
    spec_json: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deployed_at: Mapped[datetime] = mapped_column(DateTime)
    deployed_by: Mapped[str] = mapped_column(String(100), default="system")


class ProcessInstance(Base):
    """Workflow state without its spec, under optimistic locking (`lock_version`)."""

    __tablename__ = "process_instances"
    __table_args__ = (
        # the monitor's cycle times and per-day counts read only these, never the wide rows
        Index("ix_process_instances_started", "process_key", "created_at", "status", "ended_at"),
        Index("ix_process_instances_ended", "status", "ended_at", "process_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    business_key: Mapped[str | None] = mapped_column(String(200), index=True, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_by: Mapped[str] = mapped_column(String(100), index=True)
    # the department the request is for (its start form's, else the requester's): whose managers see it
    department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_task: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(Base):
    """Mirror of a ready user task, so that an inbox is one indexed query."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_instance", "instance_id", "status"),
        Index("ix_human_tasks_completed_by", "completed_by", "completed_at"),
        # Only open tasks, in inbox order, with what the queue filters read: an inbox page walks
        # this index and stops at the page size, however much history the table holds.
        # the monitor's step figures read only this index, never the wide rows
        Index("ix_human_tasks_timing", "process_key", "task_name", "created_at", "status", "wait_seconds", "due_at",
              "completed_at"),
        # per-step percentiles walk these in order (LIMIT 1 OFFSET k) without touching a row
        Index("ix_human_tasks_claim_wait", "process_key", "task_name", "claim_wait_seconds", "created_at",
              "late_working_seconds"),
        Index("ix_human_tasks_work", "process_key", "task_name", "work_seconds", "created_at"),
        Index("ix_human_tasks_open_queue", text("(due_at IS NULL)"), "due_at", "created_at", "id",
              "candidate_group", "assignee", "excluded_user",
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(200))
    task_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(200), nullable=True)
    candidate_group: Mapped[str | None] = mapped_column(String(200), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    excluded_user: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # decided by no one who decided another four_eyes step of the instance
    four_eyes: Mapped[bool] = mapped_column(default=False, server_default=false())
    form: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    priority: Mapped[int] = mapped_column(Integer, default=2, server_default="2")  # engine/priority.py
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    wait_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)  # created → completed, for reports
    # created → claimed (→ completed when done without a claim) and claimed → completed, set on completion
    claim_wait_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    work_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    # working time (work calendar) between the due time and the completion; 0 when on time, None without a due time
    late_working_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(50), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class Event(Base):
    """Append-only log of every transition: who, what, when."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    task_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    # where the actor acted from: the request's address, taken when the row is written
    address: Mapped[str | None] = mapped_column(String(64), nullable=True, default=lambda: ADDRESS.get())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
