"""The statements a workflow step runs: an instance row read and written back under its version,
task rows inserted and closed, events appended.

They are prepared Core statements, not ORM unit-of-work: a step writes a
handful of rows it already knows, and the ORM's change tracking, identity
map and per-object flush cost ten times the SQL itself. Everything goes
through `session.execute`, so it joins the caller's transaction and the
session's `do_orm_execute` listeners (deputies, notifications) see each
insert of task rows and events before it runs and may amend it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from .errors import Conflict
from .models import Event, HumanTask, ProcessInstance

INSTANCES = ProcessInstance.__table__
TASKS = HumanTask.__table__
EVENTS = Event.__table__
_PENDING_EVENTS = "opsflow_events"
_INSERT_TASKS = insert(TASKS)
_INSERT_EVENTS = insert(EVENTS)


@dataclass
class InstanceRow:
    """A process instance without its workflow state: what a step reads, changes and writes back."""

    definition_id: int
    process_key: str
    business_key: str | None
    status: str
    started_by: str
    created_at: datetime
    updated_at: datetime
    summary: dict[str, Any] = field(default_factory=dict)
    department: str | None = None
    ended_at: datetime | None = None
    error_message: str | None = None
    error_task: str | None = None
    lock_version: int = 0
    id: int = 0


_INSERT = insert(INSTANCES)
_FIXED_AT_START = ("id", "definition_id", "process_key", "created_at", "department")
_ROW_COLUMNS = [c for c in INSTANCES.c if c.key != "state"]
_LOAD = select(*_ROW_COLUMNS).where(INSTANCES.c.id == bindparam("instance_id"))
_LOAD_STATE = select(INSTANCES.c.state).where(INSTANCES.c.id == bindparam("instance_id"))
_SAVE = (update(INSTANCES)
         .where(INSTANCES.c.id == bindparam("instance_id"), INSTANCES.c.lock_version == bindparam("seen_version"))
         .values({c.key: bindparam(c.key) for c in INSTANCES.c if c.key not in _FIXED_AT_START}))
_SAVE_KEYS = ("business_key", "status", "summary", "started_by", "updated_at", "ended_at", "error_message",
              "error_task")


def load_instance(session: Session, instance_id: int) -> InstanceRow | None:
    row = session.execute(_LOAD, {"instance_id": instance_id}).one_or_none()
    return InstanceRow(**row._asdict()) if row is not None else None


def load_state(session: Session, instance_id: int) -> str:
    return session.execute(_LOAD_STATE, {"instance_id": instance_id}).scalar_one()


def insert_instance(session: Session, inst: InstanceRow) -> None:
    """Insert the row at version 0, unseen outside this transaction until `save_instance` writes version 1."""
    values = {k: v for k, v in vars(inst).items() if k != "id"}
    inst.id = session.execute(_INSERT, {**values, "state": "{}"}).inserted_primary_key[0]


def move_to_definition(session: Session, instance_id: int, definition_id: int) -> None:
    """Re-point an instance at another version of its process (a migration, in the move's transaction)."""
    session.execute(update(INSTANCES).where(INSTANCES.c.id == instance_id).values(definition_id=definition_id))


def save_instance(session: Session, inst: InstanceRow, state: str) -> None:
    """Write the row back if nobody changed it since it was read, bumping its version; else Conflict."""
    params = {k: getattr(inst, k) for k in _SAVE_KEYS}
    params.update(instance_id=inst.id, seen_version=inst.lock_version, lock_version=inst.lock_version + 1,
                  state=state)
    if session.execute(_SAVE, params).rowcount != 1:
        raise Conflict("the instance was changed by someone else; reload and try again")
    inst.lock_version += 1
    loaded = session.identity_map.get(session.identity_key(ProcessInstance, inst.id))
    if loaded is not None:  # an ORM copy read earlier in this transaction now holds old values
        session.expire(loaded)


# -- task rows ------------------------------------------------------------------
_TASK_BY_ID = select(TASKS).where(TASKS.c.id == bindparam("task_id"))
_TASK_BY_ID_LOCKED = _TASK_BY_ID.with_for_update()  # built once: a statement built per call is compiled per call
_OPEN_TASKS = (select(TASKS).where(TASKS.c.instance_id == bindparam("instance_id"), TASKS.c.status == "open")
               .order_by(TASKS.c.created_at, TASKS.c.id))
_CLOSE_TASK = (update(TASKS).where(TASKS.c.id == bindparam("task_id"))
               .values(status=bindparam("status"), completed_at=bindparam("completed_at")))
_FINISH_TASK = update(TASKS).where(TASKS.c.id == bindparam("task_id"))


def task_row(session: Session, task_id: str, lock: bool) -> Any:
    """The task's row, locked until commit when `lock` (PostgreSQL; SQLite's BEGIN IMMEDIATE already queues)."""
    return session.execute(_TASK_BY_ID_LOCKED if lock else _TASK_BY_ID, {"task_id": task_id}).first()


def open_tasks(session: Session, instance_id: int) -> list[Any]:
    return list(session.execute(_OPEN_TASKS, {"instance_id": instance_id}))


def finish_task(session: Session, task_id: str, **values: Any) -> None:
    """Record the completion on the row (status, when, by whom, outcome, comment, wait)."""
    session.execute(_FINISH_TASK, {"task_id": task_id, **values})


def close_tasks(session: Session, task_ids: list[str], status: str, now: datetime) -> None:
    if task_ids:
        session.execute(_CLOSE_TASK, [{"task_id": i, "status": status, "completed_at": now} for i in task_ids])


def insert_tasks(session: Session, rows: list[HumanTask]) -> None:
    """Insert transient HumanTask objects; what a listener changed in their values is copied back to them."""
    if not rows:
        return
    values = [{c.key: getattr(row, c.key) for c in TASKS.c} for row in rows]
    session.execute(_INSERT_TASKS, values)
    for row, written in zip(rows, values, strict=True):
        for key, value in written.items():
            if getattr(row, key) != value:
                setattr(row, key, value)


# -- events -------------------------------------------------------------------------
def add_event(session: Session, instance_id: int, kind: str, actor: str, at: datetime,
              task_id: str | None = None, task_name: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Queue an event; the queue is written in one statement by `write_events` before the commit."""
    session.info.setdefault(_PENDING_EVENTS, []).append(
        {"instance_id": instance_id, "kind": kind, "actor": actor, "at": at, "task_id": task_id,
         "task_name": task_name, "detail": detail or {}})


def write_events(session: Session) -> None:
    pending = session.info.pop(_PENDING_EVENTS, None)
    if pending:
        session.execute(_INSERT_EVENTS, pending)


AFTER_COMMIT = "after_commit"  # callables to run once the transaction has committed
_SAVEPOINTS = "opsflow_savepoints"


def _savepoint_begun(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = {k: len(session.info.get(k, ())) for k in (_PENDING_EVENTS, AFTER_COMMIT)}
        session.info.setdefault(_SAVEPOINTS, {})[transaction] = marks


def _rolled_back(session: Session, transaction: SessionTransaction) -> None:
    """What was queued inside a savepoint that rolled back (a failed service call) goes with it."""
    marks = session.info.get(_SAVEPOINTS, {}).pop(transaction, None) if transaction.nested else None
    for key, length in (marks or {}).items():
        del session.info.get(key, [])[length:]


def follow_savepoints(sessions: sessionmaker[Session]) -> None:
    """Make the queues of these sessions (events, after-commit hooks) roll back with a savepoint."""
    event.listen(sessions, "after_transaction_create", _savepoint_begun)
    event.listen(sessions, "after_soft_rollback", _rolled_back)


def inserted_rows(execute_state: Any, table: Any) -> list[dict[str, Any]]:
    """For a `do_orm_execute` listener: the value dicts of an INSERT into `table`, else nothing."""
    statement = execute_state.statement
    if not (execute_state.is_insert and getattr(statement, "table", None) is table):
        return []
    params = execute_state.parameters
    return list(params) if isinstance(params, list) else [params] if params else []


def on_new_events(sessions: sessionmaker[Session], mark: str,
                  handler: Callable[[Session, list[Event]], None]) -> None:
    """Call `handler` in the writing transaction with each event these sessions write, once: whether it
    was added as an ORM object (a hand-over, a job running out of attempts) or inserted with the one
    statement that ends a step. `mark` keeps an ORM event from being handled at a second flush."""
    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        events = [obj for obj in session.new if isinstance(obj, Event) and not obj.__dict__.get(mark)]
        for ev in events:
            ev.__dict__[mark] = True
        handler(session, events)

    def on_execute(execute_state: Any) -> None:
        rows = inserted_rows(execute_state, EVENTS)
        if rows:
            handler(execute_state.session, [Event(**values) for values in rows])

    event.listen(sessions, "before_flush", before_flush)
    event.listen(sessions, "do_orm_execute", on_execute)
