"""The comment thread and files of a request, for pages other than the task page (the instance page)."""
from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from engine import AttachmentView, CommentView

from ..extensions import actor_for


def comments_of(instance_id: int) -> list[CommentView]:
    return current_app.extensions["opsflow.workplace"].comments(instance_id, actor_for(current_user))


def attachments_of(instance_id: int) -> list[AttachmentView]:
    return current_app.extensions["opsflow.workplace"].attachments(instance_id, actor_for(current_user))


def register(bp: Blueprint) -> None:
    bp.add_app_template_global(comments_of, "workplace_comments")
    bp.add_app_template_global(attachments_of, "workplace_attachments")
