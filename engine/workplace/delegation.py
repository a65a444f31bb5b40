"""Handing a task to someone else, and standing in for someone who is away.

The engine decides who may hand a task on (its assignee, or while it is
unclaimed a member of its candidate group, or an administrator) and to whom
(a known, active user who is not excluded from it). Every hand-over is an
event in the log, so the audit trail shows who passed what to whom and why.
An absent person's tasks go to their deputy, and the deputy sees the absent
person's group queues, for the dates the absence covers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from .. import persistence
from ..errors import Conflict, Forbidden, InvalidData, NotFound
from ..identity import Group, User, user_groups
from ..models import Event, HumanTask, ProcessInstance
from ..prepared import Prepared
from ..tasks import decided_earlier, may_decide, to_view
from ..views import Actor, TaskView
from .models import Absence, TaskDelegation

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

MAX_REASON = 2000


@dataclass(frozen=True)
class AbsenceView:
    id: int
    username: str
    deputy: str
    starts_on: date
    ends_on: date
    reason: str


@dataclass(frozen=True)
class Handover:
    """Who handed a task to its current holder, when, and why."""

    from_user: str
    to_user: str
    reason: str
    at: datetime


def handovers(session: Session, task_ids: list[str]) -> dict[str, Handover]:
    """The last hand-over of each task, for those that had one: what the person now holding it is told."""
    rows = session.scalars(select(TaskDelegation).where(TaskDelegation.task_id.in_(task_ids))
                           .order_by(TaskDelegation.id)) if task_ids else []
    return {r.task_id: Handover(r.from_user, r.to_user, r.reason, r.at) for r in rows}


def delegated_filter(actor: Actor) -> ColumnElement[bool]:
    """The "delegated by me" queue: tasks the actor handed to someone else."""
    return HumanTask.id.in_(select(TaskDelegation.task_id).where(TaskDelegation.from_user == actor.username))


def _active_user(session: Session, username: str, field: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        raise InvalidData({field: f"{username!r} is not a known active user"})
    return user


def away_deputy(session: Session, username: str, today: date) -> str | None:
    """Who stands in for `username` today, if they are away."""
    return session.scalar(select(Absence.deputy).where(
        Absence.username == username, Absence.starts_on <= today, Absence.ends_on >= today)
        .order_by(Absence.id.desc()).limit(1))


_ABSENT_FOR = select(Absence.username).where(Absence.deputy == bindparam("deputy"),
                                             Absence.starts_on <= bindparam("today"),
                                             Absence.ends_on >= bindparam("today"))
_DEPUTY_GROUPS = Prepared(select(Group.name).join(user_groups, user_groups.c.group_id == Group.id)
                          .join(User, User.id == user_groups.c.user_id).where(User.username.in_(_ABSENT_FOR)))


def deputy_groups(session: Session | Connection, username: str, today: date) -> frozenset[str]:
    """The groups of everyone `username` stands in for today: their queues become visible to the deputy.

    Asked on every request (a prepared statement), on an ORM session or a bare connection.
    """
    return frozenset(_DEPUTY_GROUPS.scalars(session, {"deputy": username, "today": today}))


def _check_may_delegate(row: HumanTask, actor: Actor) -> None:
    if row.status != "open":
        raise Conflict("task is no longer open")
    if actor.is_admin:
        return
    if row.excluded_user == actor.username:
        raise Forbidden("separation of duties: the requester may not hand on the decision on their own request")
    if row.assignee == actor.username:
        return
    if row.assignee:
        raise Forbidden(f"task is claimed by {row.assignee}; only they may hand it on")
    if row.candidate_group not in actor.groups:
        raise Forbidden(f"task belongs to group {row.candidate_group!r}, which you are not in")


def _assign(session: Session, row: HumanTask, inst: ProcessInstance, actor: str, to_user: str,
            reason: str, now: datetime, kind: str = "task_delegated") -> None:
    deputy = away_deputy(session, to_user, now.date())
    target = deputy if deputy and may_decide(session, row, deputy) else to_user
    session.add(TaskDelegation(task_id=row.id, instance_id=row.instance_id, from_user=actor, to_user=target,
                               reason=reason, at=now))
    row.assignee, row.claimed_at = target, now
    inst.updated_at = now  # bumps the instance's lock_version: a hand-over races like a completion
    detail: dict[str, str] = {"from": actor, "to": target, "reason": reason}
    if target != to_user:
        detail["substitute_for"] = to_user
    session.add(Event(instance_id=inst.id, task_id=row.id, task_name=row.task_name, kind=kind, actor=actor,
                      at=now, detail=detail))


def delegate(eng: WorkflowEngine, task_id: str, actor: Actor, to_user: str, reason: str) -> TaskView:
    """Give the task to `to_user` (or to their deputy while they are away); audited with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData({"reason": "is required"})
    if len(reason) > MAX_REASON:
        raise InvalidData({"reason": f"must be at most {MAX_REASON} characters"})
    with eng._write() as session:
        row = session.get(HumanTask, task_id, with_for_update=True)  # racing hand-overs queue
        if row is None:
            raise NotFound(f"no task {task_id}")
        _check_may_delegate(row, actor)
        target = _active_user(session, to_user, "to")
        if target.username == row.excluded_user:
            raise InvalidData({"to": f"{target.username} requested this and may not decide on it"})
        if decided_earlier(session, row, target.username):
            raise InvalidData({"to": f"{target.username} decided an earlier step of this request"})
        if target.username == row.assignee:
            raise InvalidData({"to": f"the task is already assigned to {target.username}"})
        inst = session.get(ProcessInstance, row.instance_id)
        _assign(session, row, inst, actor.username, target.username, reason, eng.clock())
        return to_view(row, inst)


def set_absence(eng: WorkflowEngine, actor: Actor, deputy: str, starts_on: date, ends_on: date,
                reason: str = "") -> AbsenceView:
    """Name a deputy for a date range; tasks already assigned to the actor move now if the range has begun."""
    if ends_on < starts_on:
        raise InvalidData({"ends_on": "must not be before the first day"})
    if deputy == actor.username:
        raise InvalidData({"deputy": "must be someone else"})
    with eng._write() as session:
        _active_user(session, deputy, "deputy")
        now = eng.clock()
        absence = Absence(username=actor.username, deputy=deputy, starts_on=starts_on, ends_on=ends_on,
                          reason=reason.strip()[:MAX_REASON], created_at=now)
        session.add(absence)
        session.flush()
        if starts_on <= now.date() <= ends_on:
            _hand_over_assigned(session, actor.username, deputy, now)
        return _absence_view(absence)


def _hand_over_assigned(session: Session, username: str, deputy: str, now: datetime) -> int:
    rows = list(session.scalars(select(HumanTask).where(and_(HumanTask.status == "open",
                                                             HumanTask.assignee == username))))
    moved = 0
    for row in rows:
        if not may_decide(session, row, deputy):
            continue
        inst = session.get(ProcessInstance, row.instance_id)
        _assign(session, row, inst, username, deputy, "out of office", now, kind="task_substituted")
        moved += 1
    return moved


def apply_absences(eng: WorkflowEngine) -> int:
    """Move open tasks of everyone away today to their deputies (for a scheduler to call each morning)."""
    with eng._write() as session:
        now = eng.clock()
        today = now.date()
        absences = session.scalars(select(Absence).where(Absence.starts_on <= today, Absence.ends_on >= today))
        return sum(_hand_over_assigned(session, a.username, a.deputy, now) for a in list(absences))


def end_absence(eng: WorkflowEngine, actor: Actor, absence_id: int) -> None:
    with eng._write() as session:
        absence = session.get(Absence, absence_id)
        if absence is None or (absence.username != actor.username and not actor.is_admin):
            raise NotFound(f"no absence {absence_id}")
        today = eng.clock().date()
        if absence.starts_on > today:
            session.delete(absence)
        else:
            absence.ends_on = min(absence.ends_on, today)


def absences(eng: WorkflowEngine, username: str) -> list[AbsenceView]:
    """The user's current and future absences, and those where they stand in for someone."""
    with eng.read() as session:
        today = eng.clock().date()
        rows = session.scalars(select(Absence).where(
            (Absence.username == username) | (Absence.deputy == username), Absence.ends_on >= today)
            .order_by(Absence.starts_on, Absence.id))
        return [_absence_view(a) for a in rows]


def _absence_view(a: Absence) -> AbsenceView:
    return AbsenceView(a.id, a.username, a.deputy, a.starts_on, a.ends_on, a.reason)


def _substitute_new_tasks(session: Session, rows: list[dict[str, Any]]) -> None:
    """A task born assigned (BPMN `assignee`) to someone away today goes to their deputy, audited.

    It runs as the engine inserts the task rows: the deputy replaces the assignee in the values
    inserted, and the hand-over's records (flushed at the commit) follow the rows they point to.
    """
    handed: list[tuple[dict[str, Any], str]] = []
    for values in rows:
        absent = values.get("assignee")
        if not absent or values.get("status") != "open":
            continue
        with session.no_autoflush:
            deputy = away_deputy(session, absent, values["created_at"].date())
            free = deputy is not None and may_decide(session, SimpleNamespace(**values), deputy)
        if free:
            values["assignee"] = deputy
            handed.append((values, absent))
    for values, absent in handed:
        deputy, now = values["assignee"], values["created_at"]
        session.add(TaskDelegation(task_id=values["id"], instance_id=values["instance_id"], from_user=absent,
                                   to_user=deputy, reason="out of office", at=now))
        session.add(Event(instance_id=values["instance_id"], task_id=values["id"], task_name=values["task_name"],
                          kind="task_substituted", actor="system", at=now,
                          detail={"from": absent, "to": deputy, "reason": "out of office", "substitute_for": absent}))


def subscribe(sessions: sessionmaker[Session]) -> None:
    """Hand tasks created for an absent person to their deputy, in the statement that creates them."""
    if getattr(sessions, "_opsflow_deputies", False):
        return
    persistence.before_insert(sessions, persistence.TASKS, _substitute_new_tasks)
    sessions._opsflow_deputies = True  # type: ignore[attr-defined]
