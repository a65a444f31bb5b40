"""The statements a workflow step runs: an instance row read and written back under its version,
task rows inserted and closed, events appended.

They are statements prepared at driver level (`engine.prepared`), not ORM
unit-of-work: a step writes a handful of rows it already knows, and the
ORM's change tracking, identity map and per-object flush cost ten times the
SQL itself. They run on the session's connection, so they join the caller's
transaction. What reacts to a step's rows (deputies, notifications, webhooks)
is called here with the rows about to be inserted and may amend them
(`before_insert`); events added as ORM objects reach the same handlers at
their flush.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from .errors import Conflict, NotFound
from .models import Event, HumanTask, ProcessInstance
from .prepared import Prepared

INSTANCES = ProcessInstance.__table__
TASKS = HumanTask.__table__
EVENTS = Event.__table__
_PENDING_EVENTS = "opsflow_events"
_INSERT_TASKS = Prepared(insert(TASKS), keys=[c.key for c in TASKS.c])
_INSERT_EVENTS = Prepared(insert(EVENTS), keys=["instance_id", "kind", "actor", "at", "task_id", "task_name", "detail"])


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


_INSERT = Prepared(insert(INSTANCES).returning(INSTANCES.c.id),
                   keys=[c.key for c in INSTANCES.c if c.key != "id"])
_FIXED_AT_START = ("id", "definition_id", "process_key", "created_at", "department")
_ROW_COLUMNS = [c for c in INSTANCES.c if c.key != "state"]
_LOAD = Prepared(select(*_ROW_COLUMNS).where(INSTANCES.c.id == bindparam("instance_id")))
_LOAD_STATE = Prepared(select(INSTANCES.c.state).where(INSTANCES.c.id == bindparam("instance_id")))
_SAVE = Prepared(update(INSTANCES)
                 .where(INSTANCES.c.id == bindparam("instance_id"),
                        INSTANCES.c.lock_version == bindparam("seen_version"))
                 .values({c.key: bindparam(c.key) for c in INSTANCES.c if c.key not in _FIXED_AT_START}))
_SAVE_KEYS = ("business_key", "status", "summary", "started_by", "updated_at", "ended_at", "error_message",
              "error_task")


def load_instance(session: Session, instance_id: int) -> InstanceRow | None:
    row = _LOAD.first(session, {"instance_id": instance_id})
    return _hold(session, "instance", instance_id, InstanceRow(**row._asdict())) if row is not None else None


def load_state(session: Session, instance_id: int) -> str:
    state = _LOAD_STATE.first(session, {"instance_id": instance_id})
    if state is None:
        raise NotFound(f"no process instance {instance_id}")
    return state[0]


def insert_instance(session: Session, inst: InstanceRow) -> None:
    """Insert the row at version 0, unseen outside this transaction until `save_instance` writes version 1."""
    values = {k: v for k, v in vars(inst).items() if k != "id"}
    inst.id = _INSERT.scalar(session, {**values, "state": "{}"})
    _hold(session, "instance", inst.id, inst)


def move_to_definition(session: Session, instance_id: int, definition_id: int) -> None:
    """Re-point an instance at another version of its process (a migration, in the move's transaction)."""
    session.execute(update(INSTANCES).where(INSTANCES.c.id == instance_id).values(definition_id=definition_id))


def save_instance(session: Session, inst: InstanceRow, state: str) -> None:
    """Write the row back if nobody changed it since it was read, bumping its version; else Conflict."""
    params = {k: getattr(inst, k) for k in _SAVE_KEYS}
    params.update(instance_id=inst.id, seen_version=inst.lock_version, lock_version=inst.lock_version + 1,
                  state=state)
    if _SAVE.run(session, params) != 1:
        raise Conflict("the instance was changed by someone else; reload and try again")
    inst.lock_version += 1
    loaded = session.identity_map.get(session.identity_key(ProcessInstance, inst.id)) if session.identity_map else None
    if loaded is not None:  # an ORM copy read earlier in this transaction now holds old values
        session.expire(loaded)


# -- task rows ------------------------------------------------------------------
_TASK_BY_ID = select(TASKS).where(TASKS.c.id == bindparam("task_id"))
_TASK = Prepared(_TASK_BY_ID)
_TASK_LOCKED = Prepared(_TASK_BY_ID.with_for_update())
_OPEN_TASKS = Prepared(select(TASKS).where(TASKS.c.instance_id == bindparam("instance_id"), TASKS.c.status == "open")
                       .order_by(TASKS.c.created_at, TASKS.c.id))
_CLOSE_TASK = Prepared(update(TASKS).where(TASKS.c.id == bindparam("task_id"))
                       .values(status=bindparam("status"), completed_at=bindparam("completed_at")))
_FINISH_TASK = update(TASKS).where(TASKS.c.id == bindparam("task_id"))
_FINISHES: dict[frozenset[str], Prepared] = {}  # one prepared statement per set of columns a completion writes


def task_row(session: Session, task_id: str, lock: bool) -> Any:
    """The task's row, locked until commit when `lock` (PostgreSQL; SQLite's BEGIN IMMEDIATE already queues)."""
    row = (_TASK_LOCKED if lock else _TASK).first(session, {"task_id": task_id})
    if row is not None:
        _hold(session, "task", task_id, row._asdict())
    return row


def open_tasks(session: Session, instance_id: int) -> list[Any]:
    return _OPEN_TASKS.rows(session, {"instance_id": instance_id})


def finish_task(session: Session, task_id: str, **values: Any) -> None:
    """Record the completion on the row (status, when, by whom, outcome, comment, wait)."""
    keys = frozenset(values)
    finish = _FINISHES.get(keys)
    if finish is None:
        finish = _FINISHES[keys] = Prepared(_FINISH_TASK.values({k: bindparam(k) for k in sorted(keys)}))
    finish.run(session, {"task_id": task_id, **values})


def close_tasks(session: Session, task_ids: list[str], status: str, now: datetime) -> None:
    if task_ids:
        _CLOSE_TASK.run(session, [{"task_id": i, "status": status, "completed_at": now} for i in task_ids])


def insert_tasks(session: Session, rows: list[HumanTask]) -> None:
    """Insert transient HumanTask objects; what a listener changed in their values is copied back to them."""
    if not rows:
        return
    values = [{c.key: getattr(row, c.key) for c in TASKS.c} for row in rows]
    _announce(session, TASKS, _INSERT_TASKS, values)
    for written in values:
        _hold(session, "task", written["id"], written)
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
        _announce(session, EVENTS, _INSERT_EVENTS, pending)


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
    """Make the queues of these sessions (events, after-commit hooks) roll back with a savepoint, and what
    their steps hold (`held`) end with each transaction."""
    event.listen(sessions, "after_transaction_create", _savepoint_begun)
    event.listen(sessions, "after_soft_rollback", _rolled_back)
    event.listen(sessions, "after_transaction_end", _let_go)


# -- the rows a transaction's steps hold -------------------------------------------------
_HELD = "opsflow_held_rows"


def _hold(session: Session, kind: str, key: Any, row: Any) -> Any:
    session.info.setdefault(_HELD, {})[(kind, key)] = row
    return row


def held(session: Session, kind: str, key: Any) -> Any:
    """The instance row (an InstanceRow, as the step changes it) or task row (its column values) this
    transaction's steps read or wrote, if they did: what reacts to a step's events reads it from here
    instead of reading back what the step just wrote."""
    return session.info.get(_HELD, {}).get((kind, key))


def _let_go(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_HELD, None)


# -- what reacts to a step's rows ------------------------------------------------------
_HOOKS = "opsflow_before_insert"
RowHook = Callable[[Session, list[dict[str, Any]]], None]


def before_insert(sessions: sessionmaker[Session], table: Any, hook: RowHook) -> None:
    """Call `hook(session, values)` with the value dicts of every insert of task rows or events these
    sessions' steps make, just before it runs: it may change them (a deputy for an absent assignee) or
    write rows of its own (notifications). Hooks run in the order they were added."""
    info = dict(sessions.kw.get("info") or {})
    hooks = info.get(_HOOKS, {})
    sessions.configure(info={**info, _HOOKS: {**hooks, table.name: [*hooks.get(table.name, ()), hook]}})


def _announce(session: Session, table: Any, statement: Prepared, values: list[dict[str, Any]]) -> None:
    """Run the hooks, then the insert; what the hooks add as ORM objects (which may point to these rows)
    is flushed after it, what was pending before them, first."""
    session._autoflush()
    with session.no_autoflush:
        for hook in session.info.get(_HOOKS, {}).get(table.name, ()):
            hook(session, values)
        statement.run(session, values)


def on_new_events(sessions: sessionmaker[Session], mark: str,
                  handler: Callable[[Session, list[Any]], None]) -> None:
    """Call `handler` in the writing transaction with each event these sessions write, once: whether it
    was added as an ORM object (a hand-over, a job running out of attempts) or inserted with the one
    statement that ends a step (then as a plain object with the same attributes, not yet with an id).
    `mark` keeps an ORM event from being handled at a second flush."""
    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        events = [obj for obj in session.new if isinstance(obj, Event) and not obj.__dict__.get(mark)]
        for ev in events:
            ev.__dict__[mark] = True
        handler(session, events)

    event.listen(sessions, "before_flush", before_flush)
    before_insert(sessions, EVENTS, lambda session, rows: handler(session, [SimpleNamespace(**v) for v in rows]))
