"""In-app notifications, written in the same transaction as the event that causes them.

`subscribe` hooks the engine's write sessions: whenever an event is about to
be written (a task created, completed or handed over), the people it
concerns get a notification row in that same transaction, so a notification
never exists without its event and never goes missing when the event commits.
Mentions in comments and overdue reminders are added by their own code paths.
After the commit, those with an e-mail address get a copy when a mailer is set.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, func, insert, select, union, update
from sqlalchemy.orm import Session, sessionmaker

from .. import persistence
from ..identity import Group, User, user_groups
from ..models import Event, HumanTask, ProcessInstance
from ..prepared import Prepared, PreparedIn
from .models import Absence, Notification, NotificationSetting

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

KINDS = ("task_assigned", "group_task", "decision", "mention", "overdue")
Mailer = Callable[[list["Outgoing"]], None]


@dataclass(frozen=True)
class Outgoing:
    """A notification on its way to an e-mail address."""

    email: str
    kind: str
    detail: dict[str, Any]
    instance_id: int | None
    task_id: str | None


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    instance_id: int | None
    task_id: str | None
    detail: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


_FACTS = Prepared(
    select(ProcessInstance.business_key, ProcessInstance.started_by, HumanTask.title, HumanTask.candidate_group,
           HumanTask.excluded_user, HumanTask.assignee)
    .select_from(ProcessInstance)
    .outerjoin(HumanTask, (HumanTask.instance_id == ProcessInstance.id) & (HumanTask.id == bindparam("task_id")))
    .where(ProcessInstance.id == bindparam("instance_id")))
_MEMBERS = (select(User.username).join(user_groups, user_groups.c.user_id == User.id)
            .join(Group, Group.id == user_groups.c.group_id)
            .where(Group.name == bindparam("group"), User.active.is_(True)))
# a group's new task reaches its active members (but the one it excludes) and whoever stands in for one of them
# today, with their e-mail addresses: one statement where the members, their deputies and the addresses were three
_MEMBERS_NOT_EXCLUDED = _MEMBERS.where(User.username != bindparam("excluded"))
_AUDIENCE = union(_MEMBERS_NOT_EXCLUDED,
                  select(Absence.deputy).where(Absence.username.in_(_MEMBERS_NOT_EXCLUDED),
                                               Absence.deputy != bindparam("excluded"),
                                               Absence.starts_on <= bindparam("day"),
                                               Absence.ends_on >= bindparam("day"))).subquery()
_GROUP_AUDIENCE = Prepared(select(_AUDIENCE.c.username, NotificationSetting.email).outerjoin(
    NotificationSetting,
    (NotificationSetting.username == _AUDIENCE.c.username) & NotificationSetting.email.is_not(None)))
_GROUP_MEMBERS = Prepared(_MEMBERS)
_EMAILS = PreparedIn(lambda people: select(NotificationSetting.username, NotificationSetting.email).where(
    NotificationSetting.username.in_(people), NotificationSetting.email.is_not(None)))
_INSERT = Prepared(insert(Notification.__table__),
                   keys=["username", "kind", "instance_id", "task_id", "detail", "created_at", "read_at"])


@dataclass(frozen=True)
class _Facts:
    """What an event's notifications say and whom they reach: its task's and its instance's columns."""

    business_key: str | None = None
    started_by: str | None = None
    title: str | None = None
    candidate_group: str | None = None
    excluded_user: str | None = None
    assignee: str | None = None


def _facts(session: Session, ev: Event) -> _Facts | None:
    """What the step holds (it read or wrote the instance and the task), else read with one prepared
    statement: a step writes its rows at driver level, so they are not in the session as ORM objects."""
    inst = persistence.held(session, "instance", ev.instance_id)
    task = persistence.held(session, "task", ev.task_id) if ev.task_id else None
    if inst is not None and (ev.task_id is None or task is not None):
        return _Facts(inst.business_key, inst.started_by, *(
            (task["title"], task["candidate_group"], task["excluded_user"], task["assignee"]) if task else ()))
    row = _FACTS.first(session, {"instance_id": ev.instance_id, "task_id": ev.task_id})
    facts = _Facts(*row) if row is not None else None
    for obj in session.new:  # a task added as an ORM object and not yet flushed
        if isinstance(obj, HumanTask) and obj.id == ev.task_id:
            return _Facts(facts.business_key if facts else None, facts.started_by if facts else None, obj.title,
                          obj.candidate_group, obj.excluded_user, obj.assignee)
    return facts


def _group_members(session: Session, group: str | None) -> list[str]:
    return _GROUP_MEMBERS.scalars(session, {"group": group}) if group else []


def _group_audience(session: Session, facts: _Facts, at: datetime) -> tuple[list[str], dict[str, str]]:
    """Who hears of a group's new task and their e-mail addresses: the members it does not exclude, and their
    deputies today (who see the group's tasks, so they hear of them)."""
    if not facts.candidate_group:
        return [], {}
    found = _GROUP_AUDIENCE.rows(session, {"group": facts.candidate_group, "excluded": facts.excluded_user or "",
                                           "day": at.date()})
    return [username for username, _ in found], {username: email for username, email in found if email}


# kinds that may concern someone; most events of a step (a timer fired, a step completed, the
# instance completed) concern no one, and are let through without reading the instance or task
_CONCERNING = frozenset({"task_created", "task_reminded", "task_delegated", "task_substituted", "task_reassigned",
                         "task_completed"})


def _recipients(session: Session, ev: Event) -> tuple[str, list[str], dict[str, Any], dict[str, str] | None]:
    """Who an event concerns, as (kind, usernames, detail, their e-mail addresses if already read); an empty
    list when it concerns no one."""
    if ev.kind not in _CONCERNING:
        return "", [], {}, None
    facts = _facts(session, ev)
    if facts is None:
        return "", [], {}, None
    has_task = ev.task_id is not None and facts.title is not None
    detail = {"title": facts.title if has_task else "", "business_key": facts.business_key}
    if ev.kind == "task_created" and has_task:
        people, emails = _group_audience(session, facts, ev.at)
        return "group_task", people, detail, emails
    if ev.kind == "task_reminded" and has_task:  # the scheduler's escalation rules
        people = [facts.assignee] if facts.assignee else [
            u for u in _group_members(session, facts.candidate_group) if u != facts.excluded_user]
        return "overdue", people, detail, None
    if ev.kind in ("task_delegated", "task_substituted", "task_reassigned"):
        to = (ev.detail or {}).get("to")
        return "task_assigned", [to] if to and to != ev.actor else [], {
            **detail, "by": ev.actor, "reason": (ev.detail or {}).get("reason", "")}, None
    if ev.kind == "task_completed" and (ev.detail or {}).get("outcome"):
        people = [facts.started_by] if facts.started_by and facts.started_by != ev.actor else []
        return "decision", people, {**detail, "by": ev.actor, "outcome": ev.detail.get("outcome"),
                                    "comment": ev.detail.get("comment")}, None
    return "", [], {}, None


def notify(session: Session, usernames: Iterable[str], kind: str, now: datetime, *,
           instance_id: int | None = None, task_id: str | None = None, detail: dict[str, Any] | None = None,
           emails: dict[str, str] | None = None) -> None:
    """Add one notification per person, and queue their e-mail copies for after the commit (`emails`: their
    addresses, if the caller has read them)."""
    people = sorted(set(usernames))
    if not people:
        return
    with session.no_autoflush:
        if emails is None:
            emails_of, named = _EMAILS.bound(people)
            emails = dict(emails_of.rows(session, named))
        _INSERT.run(session, [{"username": username, "kind": kind, "instance_id": instance_id, "task_id": task_id,
                               "detail": detail or {}, "created_at": now, "read_at": None} for username in people])
    for username in people:
        if emails.get(username):
            session.info.setdefault("opsflow_mail", []).append(
                Outgoing(emails[username], kind, detail or {}, instance_id, task_id))


def _notify_events(session: Session, events: list[Event]) -> None:
    for ev in sorted(events, key=lambda e: e.at):
        with session.no_autoflush:
            kind, people, detail, emails = _recipients(session, ev)
        if people:
            notify(session, people, kind, ev.at, instance_id=ev.instance_id, task_id=ev.task_id, detail=detail,
                   emails=emails)


def subscribe(sessions: sessionmaker[Session], mailer: Mailer | None = None) -> None:
    """Make every write session of the engine create notifications for the events it writes."""
    if getattr(sessions, "_opsflow_notifications", False):
        return
    persistence.on_new_events(sessions, "_notified", _notify_events)

    def _after_commit(session: Session) -> None:
        outgoing = session.info.pop("opsflow_mail", [])
        if outgoing and mailer is not None:
            mailer(outgoing)

    def _after_rollback(session: Session) -> None:
        session.info.pop("opsflow_mail", None)

    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_soft_rollback", lambda session, _previous: _after_rollback(session))
    sessions._opsflow_notifications = True  # type: ignore[attr-defined]


def notify_overdue(eng: WorkflowEngine) -> int:
    """Remind the assignee (or the group) once about each open task past its due time; returns how many."""
    with eng._write() as session:
        now = eng.clock()
        late = session.scalars(select(HumanTask).where(HumanTask.status == "open", HumanTask.due_at < now))
        sent = 0
        for task in list(late):
            already = session.scalar(select(Notification.id).where(
                Notification.task_id == task.id, Notification.kind == "overdue").limit(1))
            if already:
                continue
            people = [task.assignee] if task.assignee else [
                u for u in _group_members(session, task.candidate_group) if u != task.excluded_user]
            notify(session, people, "overdue", now, instance_id=task.instance_id, task_id=task.id,
                   detail={"title": task.title, "due_at": task.due_at.isoformat()})
            sent += len(people)
        return sent


def unread_count(session: Session, username: str) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.username == username, Notification.read_at.is_(None))) or 0


def recent(eng: WorkflowEngine, username: str, limit: int = 50) -> list[NotificationView]:
    with eng.read() as session:
        rows = session.scalars(select(Notification).where(Notification.username == username)
                               .order_by(Notification.id.desc()).limit(limit))
        return [NotificationView(n.id, n.kind, n.instance_id, n.task_id, n.detail or {}, n.created_at, n.read_at)
                for n in rows]


def mark_read(eng: WorkflowEngine, username: str, notification_id: int | None = None) -> None:
    """Mark one notification (or all of them) read; only ever the user's own."""
    with eng._write() as session:
        query = update(Notification).where(Notification.username == username, Notification.read_at.is_(None))
        if notification_id is not None:
            query = query.where(Notification.id == notification_id)
        session.execute(query.values(read_at=eng.clock()))


def email_of(eng: WorkflowEngine, username: str) -> str | None:
    with eng.read() as session:
        return session.scalar(select(NotificationSetting.email).where(NotificationSetting.username == username))


def set_email(eng: WorkflowEngine, username: str, email: str | None) -> None:
    from ..errors import InvalidData

    email = (email or "").strip() or None
    if email and ("@" not in email or len(email) > 254 or any(c.isspace() for c in email)):
        raise InvalidData({"email": "must be an e-mail address"})
    with eng._write() as session:
        row = session.get(NotificationSetting, username) or NotificationSetting(username=username)
        row.email = email
        session.add(row)
