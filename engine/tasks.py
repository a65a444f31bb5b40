"""The human-task mirror: ready user tasks copied into an indexed table.

An inbox is then one indexed query on `human_tasks`, never a scan of
workflow state. `sync` runs inside the same transaction as the step that
made the tasks ready or finished them.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, literal_column, or_, select
from sqlalchemy.orm import Session

from . import field_crypto, persistence, priority, work_calendar
from .errors import Forbidden
from .models import HumanTask, ProcessInstance
from .persistence import InstanceRow
from .prepared import Prepared, PreparedIn
from .views import Actor, TaskView


def _properties(task_spec: Any) -> dict[str, str]:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}) or {}


def _evaluate(task: Any, expression: str) -> Any:
    return task.workflow.script_engine.evaluate(task, expression)


def _due_at(created: datetime, spec: str | None) -> datetime | None:
    if not spec:
        return None
    return created + timedelta(**TimerEventDefinition.parse_iso_duration(spec))


def new_row(task: Any, inst: InstanceRow, now: datetime) -> HumanTask:
    """Build the mirror row of a ready user task from its spec's properties (not added to any session)."""
    spec = task.task_spec
    props = _properties(spec)
    title = str(_evaluate(task, props["title"])) if props.get("title") else (spec.bpmn_name or spec.name)
    group = str(_evaluate(task, props["candidate_group"])) if props.get("candidate_group") else spec.lane
    # `assignee`: an expression naming the one person the task goes to (e.g. `requester`); such a task is
    # offered to no group, so its lane's members neither see it in their queue nor see the instance through it
    assignee = str(_evaluate(task, props["assignee"])) if props.get("assignee") else None
    if assignee:
        group = None
    return HumanTask(
        id=str(task.id), instance_id=inst.id, process_key=inst.process_key,
        task_name=spec.bpmn_id or spec.name, title=title[:300], lane=spec.lane, candidate_group=group,
        excluded_user=inst.started_by if props.get("exclude_requester", "").lower() == "true" else None,
        four_eyes=props.get("four_eyes", "").lower() == "true",
        form=props.get("form"), status="open", created_at=now, due_at=_due_at(now, props.get("due_in")),
        assignee=assignee, claimed_at=now if assignee else None,
        priority=priority.rank(props.get("priority")),
    )


def ready_user_tasks(wf: BpmnWorkflow) -> dict[str, Any]:
    return {str(t.id): t for t in wf.get_tasks(state=TaskState.READY, manual=True)}


def sync(session: Session, inst: InstanceRow, wf: BpmnWorkflow, now: datetime) -> tuple[list[HumanTask], list[Any]]:
    """Insert rows for newly ready user tasks and cancel rows whose task vanished.

    Returns the new rows and the rows that stay open. An instance inserted in this same
    transaction (version 0) has no rows yet, so none are read.
    """
    ready = ready_user_tasks(wf)
    open_rows = persistence.open_tasks(session, inst.id) if inst.lock_version else []
    persistence.close_tasks(session, [r.id for r in open_rows if r.id not in ready], "cancelled", now)
    have = {r.id for r in open_rows}
    created = [new_row(task, inst, now) for task_id, task in ready.items() if task_id not in have]
    work_calendar.apply_working_due(session, created, ready, now)
    persistence.insert_tasks(session, created)
    return created, [r for r in open_rows if r.id in ready]


def may_work_on(row: Any, actor: Actor) -> bool:
    if row.excluded_user == actor.username:
        return False
    if row.assignee:
        return row.assignee == actor.username
    return row.candidate_group in actor.groups


def check_may_complete(row: Any, actor: Actor) -> None:
    if actor.decides_any_task:
        return
    if row.excluded_user == actor.username:
        raise Forbidden("separation of duties: the requester may not decide on their own request")
    if row.assignee and row.assignee != actor.username:
        raise Forbidden(f"task is claimed by {row.assignee}")
    if not row.assignee and row.candidate_group not in actor.groups:
        raise Forbidden(f"task belongs to group {row.candidate_group!r}, which you are not in")


def decided_earlier(session: Session, row: Any, username: str) -> bool:
    """Four eyes across steps: did `username` decide another `four_eyes` step of this task's instance?

    The same step decided again (the manager's approval after the requester revised) is not another step.
    """
    if not row.four_eyes:
        return False
    return _DECIDED_EARLIER.first(session, {"instance_id": row.instance_id, "username": username,
                                            "task_name": row.task_name}) is not None


_DECIDED_EARLIER = Prepared(select(HumanTask.id).where(
    HumanTask.instance_id == bindparam("instance_id"), HumanTask.four_eyes.is_(True),
    HumanTask.completed_by == bindparam("username"), HumanTask.task_name != bindparam("task_name")).limit(1))


def may_decide(session: Session, row: Any, username: str) -> bool:
    """Whether the separation rules leave this person free to decide the task (whoever would give it to them)."""
    return username != row.excluded_user and not decided_earlier(session, row, username)


def check_four_eyes(session: Session, row: Any, actor: Actor) -> None:
    if not actor.decides_any_task and decided_earlier(session, row, actor.username):
        raise Forbidden("four eyes: you decided an earlier step of this request; someone else decides this one")


QUEUES = ("mine", "group", "done")


# inline, not a bound parameter: only then may the database use the partial index of open tasks
_IS_OPEN = HumanTask.__table__.c.status == literal_column("'open'")  # a table column: Core statements take it too


def _not_excluded(actor: Actor) -> ColumnElement[bool]:
    return or_(HumanTask.excluded_user.is_(None), HumanTask.excluded_user != actor.username)


def queue_filter(actor: Actor, queue: str) -> ColumnElement[bool]:
    """The inbox queues: open and assigned to me, open and unclaimed in my groups, completed by me.

    A task the actor is excluded from (separation of duties) is never in their open queues.
    """
    if queue == "mine":
        return and_(_IS_OPEN, HumanTask.assignee == actor.username, _not_excluded(actor))
    if queue == "group":
        return and_(_IS_OPEN, HumanTask.assignee.is_(None),
                    HumanTask.candidate_group.in_(sorted(actor.groups)), _not_excluded(actor))
    if queue == "done":
        return HumanTask.completed_by == actor.username
    raise ValueError(f"unknown queue {queue!r}; expected one of {', '.join(QUEUES)}")


def in_queue_order(query: Select[Any]) -> Select[Any]:
    """A query of open tasks in inbox order (soonest due first) that walks ix_human_tasks_open_queue and
    stops at its page, whatever the statistics say.

    SQLite's planner, given sampled statistics (`refresh_statistics`) or none, may instead read every open
    task of the queue through another index on `status` and sort them all: with 100,000 open tasks in one
    group, a page went from 2 ms to over 200 ms. PostgreSQL plans it right from its own statistics.
    """
    return query.with_hint(HumanTask.__table__, "INDEXED BY ix_human_tasks_open_queue", "sqlite")


def _inbox_statement(after: ColumnElement[bool] | None, groups: list[Any]) -> Select[Any]:
    """A page of someone's open tasks, with the two instance columns a task view shows, built once of
    table columns (Core: no ORM loading).

    The queues "mine" and "group" together, written with `status = 'open'` outside the OR: so the partial
    index of open tasks holds every other column the filter reads, and a walk of it never visits a row
    it does not return. It walks ix_human_tasks_open_queue and stops at the page size (`in_queue_order`),
    and leaves each instance's state unread: a page of tasks needs none of it. Built per request as an ORM
    query it cost more than the rest of the task list; it is prepared once per number of groups.
    """
    me = bindparam("username")
    q = (select(_TASKS, _INSTANCES.c.business_key, _INSTANCES.c.started_by)
         .join(_INSTANCES, _INSTANCES.c.id == _T.instance_id)
         .where(_IS_OPEN, or_(_T.excluded_user.is_(None), _T.excluded_user != me),
                or_(_T.assignee == me,
                    and_(_T.assignee.is_(None), _T.candidate_group.in_(groups)))))
    if after is not None:
        q = q.where(after)
    return in_queue_order(q.order_by(_T.due_at.is_(None), _T.due_at, _T.created_at, _T.id)
                          .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))


_TASKS, _INSTANCES = HumanTask.__table__, ProcessInstance.__table__
_T = _TASKS.c
_LATER = or_(_T.created_at > bindparam("created"), and_(_T.created_at == bindparam("created"),
                                                        _T.id > bindparam("task_id")))
_INBOX = PreparedIn(lambda groups: _inbox_statement(None, groups))
_INBOX_AFTER_UNDATED = PreparedIn(  # undated tasks come last
    lambda groups: _inbox_statement(and_(_T.due_at.is_(None), _LATER), groups))
_INBOX_AFTER_DUE = PreparedIn(lambda groups: _inbox_statement(
    or_(_T.due_at.is_(None), _T.due_at > bindparam("due"), and_(_T.due_at == bindparam("due"), _LATER)), groups))

# where a page of the inbox ends: (due_at, created_at, id) of its last task, the inbox's own order
InboxKey = tuple[datetime | None, datetime, str]


def inbox_query(actor: Actor, limit: int, offset: int = 0,
                after: InboxKey | None = None) -> tuple[Prepared, dict[str, Any]]:
    """The statement and parameters of a page of the tasks the actor may work on now (assigned to them, or
    unclaimed in one of their groups), soonest due first; with `after`, the tasks that follow that key in the
    same order (a page that stays right while tasks come and go)."""
    params: dict[str, Any] = {"username": actor.username, "limit": limit, "offset": offset}
    if after is None:
        statement = _INBOX
    else:
        due, created, task_id = after
        params.update(due=due, created=created, task_id=task_id)
        statement = _INBOX_AFTER_UNDATED if due is None else _INBOX_AFTER_DUE
    prepared, groups = statement.bound(sorted(actor.groups))
    return prepared, {**params, **groups}


def inbox_page(session: Session, actor: Actor, limit: int, offset: int = 0,
               after: InboxKey | None = None) -> list[TaskView]:
    """`inbox_query`'s page as task views."""
    statement, params = inbox_query(actor, limit, offset, after)
    return [to_view(row, row) for row in statement.rows(session, params)]


def inbox_key(task: TaskView) -> InboxKey:
    return task.due_at, task.created_at, task.id


def to_view(row: Any, inst: ProcessInstance | InstanceRow | None = None) -> TaskView:
    """`row`: a HumanTask, or a row of the human_tasks table."""
    return TaskView(
        id=row.id, title=row.title, process=row.process_key, instance_id=row.instance_id,
        task_name=row.task_name, candidate_group=row.candidate_group, assignee=row.assignee,
        status=row.status, form=row.form, created_at=row.created_at, due_at=row.due_at,
        claimed_at=row.claimed_at, completed_at=row.completed_at, completed_by=row.completed_by,
        outcome=row.outcome, comment=field_crypto.reveal(row.comment), lane=row.lane, excluded_user=row.excluded_user,
        business_key=inst.business_key if inst else None, started_by=inst.started_by if inst else None,
        priority=priority.name(row.priority),
    )
