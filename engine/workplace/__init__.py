"""Workplace: the approver's side of the engine in one facade.

Delegation and absences, comments, attachments, drafts, bulk approval and
notifications each live in their own module; this class binds them to one
`WorkflowEngine` (and the folder attachments are kept in), and subscribes
the notification writer to the engine's write sessions when it is built.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..runtime import WorkflowEngine
from ..views import Actor, InstanceView, TaskView
from . import attachments, bulk, comments, delegation, drafts, notifications
from .attachments import ALLOWED as ATTACHMENT_TYPES
from .attachments import AttachmentView, StagedFile
from .attachments import discard as discard_staged
from .comments import CommentView
from .mail import SmtpSettings, smtp_mailer
from .models import SavedFilter
from .notifications import Mailer, unread_count


class Workplace:
    def __init__(self, engine: WorkflowEngine, attachment_root: Path,
                 mailer: notifications.Mailer | None = None, max_upload: int = attachments.MAX_BYTES) -> None:
        self.engine = engine
        self.attachment_root = Path(attachment_root)
        self.max_upload = max_upload
        delegation.subscribe(engine._writes)  # first: a substituted task notifies the deputy, not the absent
        notifications.subscribe(engine._writes, mailer)

    # delegation and absences
    def delegate(self, task_id: str, actor: Actor, to_user: str, reason: str) -> TaskView:
        return delegation.delegate(self.engine, task_id, actor, to_user, reason)

    def set_absence(self, actor: Actor, deputy: str, starts_on: date, ends_on: date,
                    reason: str = "") -> delegation.AbsenceView:
        return delegation.set_absence(self.engine, actor, deputy, starts_on, ends_on, reason)

    def end_absence(self, actor: Actor, absence_id: int) -> None:
        delegation.end_absence(self.engine, actor, absence_id)

    def absences(self, username: str) -> list[delegation.AbsenceView]:
        return delegation.absences(self.engine, username)

    def apply_absences(self) -> int:
        return delegation.apply_absences(self.engine)

    def with_deputy_groups(self, session: Session | Connection, actor: Actor) -> Actor:
        """The actor, also holding the groups of everyone they stand in for today."""
        extra = delegation.deputy_groups(session, actor.username, self.engine.clock().date())
        return dataclasses.replace(actor, groups=actor.groups | extra) if extra - actor.groups else actor

    @staticmethod
    def delegated_filter(actor: Actor) -> ColumnElement[bool]:
        return delegation.delegated_filter(actor)

    def handed_to(self, username: str, task_ids: list[str]) -> dict[str, delegation.Handover]:
        """The hand-overs that gave `username` these tasks (task id → who handed it over and why)."""
        with self.engine.read() as session:
            return {task_id: h for task_id, h in delegation.handovers(session, task_ids).items()
                    if h.to_user == username}

    # the conversation and files on a request
    def add_comment(self, instance_id: int, actor: Actor, body: str) -> comments.CommentView:
        return comments.add(self.engine, instance_id, actor, body)

    def comments(self, instance_id: int, actor: Actor) -> list[comments.CommentView]:
        return comments.thread(self.engine, instance_id, actor)

    def attach(self, instance_id: int, actor: Actor, filename: str, stream: BinaryIO) -> attachments.AttachmentView:
        return attachments.save(self.engine, self.attachment_root, instance_id, actor, filename, stream,
                                self.max_upload)

    def stage(self, filename: str, stream: BinaryIO,
              allowed: Collection[str] = attachments.ALLOWED) -> attachments.StagedFile:
        return attachments.stage(self.attachment_root, filename, stream, self.max_upload, allowed)

    def start_with_files(self, key: str, data: dict[str, Any], actor: Actor,
                         files: Mapping[str, Sequence[attachments.StagedFile]],
                         business_key: str | None = None) -> InstanceView:
        return attachments.start_with_files(self.engine, key, data, actor, files, business_key)

    def attachments(self, instance_id: int, actor: Actor) -> list[attachments.AttachmentView]:
        return attachments.listing(self.engine, instance_id, actor)

    def conversation(self, instance_id: int,
                     actor: Actor) -> tuple[list[CommentView], list[attachments.AttachmentView]]:
        """The comments and the files, as the task and instance pages show them: one read, one access check."""
        with self.engine.read() as session:
            comments.visible_instance(self.engine, session, instance_id, actor)
            return comments.thread_of(session, instance_id), attachments.listing_of(session, instance_id)

    def attachment(self, instance_id: int, attachment_id: int,
                   actor: Actor) -> tuple[attachments.AttachmentView, Path]:
        return attachments.open_file(self.engine, self.attachment_root, instance_id, attachment_id, actor)

    # drafts and bulk decisions
    def save_draft(self, task_id: str, actor: Actor, data: dict[str, Any],
                   expected_version: int | None = None) -> int:
        return drafts.save(self.engine, task_id, actor, data, expected_version)

    def draft_with_version(self, task_id: str, actor: Actor) -> tuple[dict[str, Any], int] | None:
        return drafts.current(self.engine, task_id, actor)

    def draft(self, task_id: str, actor: Actor) -> dict[str, Any] | None:
        return drafts.load(self.engine, task_id, actor)

    def discard_draft(self, task_id: str, actor: Actor) -> None:
        drafts.discard(self.engine, task_id, actor)

    def bulk_capable(self, task_ids: list[str]) -> set[str]:
        return bulk.bulk_capable(self.engine, task_ids)

    def bulk_approve(self, task_ids: list[str], actor: Actor, comment: str = "") -> list[bulk.BulkResult]:
        return bulk.approve(self.engine, task_ids, actor, comment)

    # notifications
    def notifications(self, username: str, limit: int = 50) -> list[notifications.NotificationView]:
        return notifications.recent(self.engine, username, limit)

    def mark_read(self, username: str, notification_id: int | None = None) -> None:
        notifications.mark_read(self.engine, username, notification_id)

    def notify_overdue(self) -> int:
        return notifications.notify_overdue(self.engine)

    def email_of(self, username: str) -> str | None:
        return notifications.email_of(self.engine, username)

    def set_email(self, username: str, email: str | None) -> None:
        notifications.set_email(self.engine, username, email)


__all__ = ["ATTACHMENT_TYPES", "AttachmentView", "CommentView", "Mailer", "SavedFilter", "SmtpSettings", "StagedFile",
           "Workplace", "discard_staged", "smtp_mailer", "unread_count"]
