"""The comment thread and files of a request, for pages other than the task page (the instance page)."""
from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from engine import AttachmentView, CommentView

from ..extensions import actor_for


def conversation_of(instance_id: int) -> tuple[list[CommentView], list[AttachmentView]]:
    return current_app.extensions["opsflow.workplace"].conversation(instance_id, actor_for(current_user))


def register(bp: Blueprint) -> None:
    bp.add_app_template_global(conversation_of, "workplace_conversation")
