"""The conversation on a request: comments anyone who may see the instance can read and add.

`@name` mentions a user; each known, active user mentioned (other than the
author) is notified in the same transaction as the comment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import Forbidden, InvalidData, NotFound
from ..identity import User
from ..models import ProcessInstance
from ..views import Actor
from .models import Comment
from .notifications import notify

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

MAX_BODY = 5000
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,100})")


@dataclass(frozen=True)
class CommentView:
    id: int
    instance_id: int
    author: str
    body: str
    mentions: tuple[str, ...]
    created_at: datetime


def visible_instance(eng: WorkflowEngine, session: Session, instance_id: int, actor: Actor) -> ProcessInstance:
    """The instance, if the actor may see it; the same rule guards comments, attachments and diagrams."""
    inst = session.get(ProcessInstance, instance_id)
    if inst is None:
        raise NotFound(f"no process instance {instance_id}")
    if not eng.policy.may_view_instance(session, inst, actor):
        raise Forbidden("you may not see this process instance")
    return inst


def mentioned(session: Session, body: str) -> list[str]:
    names = {m.rstrip(".") for m in MENTION.findall(body)}
    if not names:
        return []
    return sorted(session.scalars(select(User.username).where(User.username.in_(names), User.active.is_(True))))


def add(eng: WorkflowEngine, instance_id: int, actor: Actor, body: str) -> CommentView:
    body = (body or "").strip()
    if not body:
        raise InvalidData({"body": "is required"})
    if len(body) > MAX_BODY:
        raise InvalidData({"body": f"must be at most {MAX_BODY} characters"})
    with eng._write() as session:
        inst = visible_instance(eng, session, instance_id, actor)
        now = eng.clock()
        people = mentioned(session, body)
        comment = Comment(instance_id=inst.id, author=actor.username, body=body, mentions=people, created_at=now)
        session.add(comment)
        session.flush()
        audit.record(session, actor.username, "instance.comment_added", f"instance {inst.id}", now,
                     comment_id=comment.id, mentions=people)
        notify(session, [p for p in people if p != actor.username], "mention", now, instance_id=inst.id,
               detail={"by": actor.username, "excerpt": body[:200], "business_key": inst.business_key,
                       "comment_id": comment.id})
        return _view(comment)


def thread(eng: WorkflowEngine, instance_id: int, actor: Actor) -> list[CommentView]:
    with eng.read() as session:
        visible_instance(eng, session, instance_id, actor)
        return thread_of(session, instance_id)


def thread_of(session: Session, instance_id: int) -> list[CommentView]:
    """The comments of an instance the caller has already been let see."""
    rows = session.scalars(select(Comment).where(Comment.instance_id == instance_id).order_by(Comment.id))
    return [_view(c) for c in rows]


def _view(c: Comment) -> CommentView:
    return CommentView(c.id, c.instance_id, c.author, c.body, tuple(c.mentions or ()), c.created_at)
