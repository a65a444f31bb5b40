"""Tables of the approver's workplace: delegations, absences, comments, attachments, drafts,
notifications and saved inbox filters.

Kept apart from `models.py` (the kernel's runtime tables) because none of
them is needed to run a workflow; they describe the people around it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base, HumanTask

# the inbox sorts by priority within a queue; these keep that an index walk
Index("ix_human_tasks_group_priority", HumanTask.status, HumanTask.candidate_group, HumanTask.priority)
Index("ix_human_tasks_assignee_priority", HumanTask.status, HumanTask.assignee, HumanTask.priority)
Index("ix_human_tasks_status_created", HumanTask.status, HumanTask.created_at)


class TaskDelegation(Base):
    """One hand-over of a task from one person to another, with the reason given."""

    __tablename__ = "task_delegations"
    __table_args__ = (Index("ix_task_delegations_from", "from_user", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    from_user: Mapped[str] = mapped_column(String(100))
    to_user: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime)


class Absence(Base):
    """Out of office: `username` is away from `starts_on` to `ends_on` (inclusive); `deputy` stands in."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_user", "username", "ends_on"),
                      Index("ix_absences_deputy", "deputy", "ends_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    deputy: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Comment(Base):
    __tablename__ = "instance_comments"
    __table_args__ = (Index("ix_instance_comments_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Attachment(Base):
    """A file's metadata; the bytes live on disk under the instance's folder, never in the database."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)


class TaskDraft(Base):
    __tablename__ = "task_drafts"

    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # counts the saves


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user", "username", "read_at", "id"),
                      Index("ix_notifications_task_kind", "task_id", "kind", "username"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class NotificationSetting(Base):
    """Where a person wants e-mail copies of their notifications (none: in-app only)."""

    __tablename__ = "notification_settings"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)


class SavedFilter(Base):
    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("username", "name", name="uq_saved_filter_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)
