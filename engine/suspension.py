"""Suspending and resuming an instance, and the revision a command may name.

A suspended instance keeps its state, its open tasks and its timers, but
nothing moves it: its tasks cannot be claimed or completed (Conflict), a
timer job that comes due finds it suspended and does nothing, and messages
look only at running and waiting instances. Resuming runs it on at once,
which puts its timers back in the jobs table (the after-step hook), so a
timer that came due meanwhile fires on the next poll.

The revision is the instance row's version counter (`lock_version`): every
change raises it. A client that names the revision it saw gets Conflict
instead of acting on an instance that changed since.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import persistence
from .errors import Conflict, Forbidden
from .views import Actor, InstanceView


def check_revision(inst: Any, revision: int | None) -> None:
    if revision is not None and inst.lock_version != revision:
        raise Conflict("the instance was changed since you read it; reload it",
                       {"revision": f"is {inst.lock_version}, not {revision}"})


def check_not_suspended(inst: Any) -> None:
    if inst is not None and inst.status == "suspended":
        raise Conflict("the instance is suspended")


def suspend(engine: Any, instance_id: int, actor: Actor, revision: int | None) -> InstanceView:
    if not actor.is_admin:
        raise Forbidden("only an administrator may suspend an instance")
    with engine._write() as session:
        with engine._instance(session, instance_id, limit_state=False) as (inst, wf):
            check_revision(inst, revision)
            if inst.status not in ("running", "waiting"):  # one in error is the retry's (or a cancel's)
                raise Conflict(f"instance is {inst.status}")
            inst.status, inst.updated_at = "suspended", engine.clock()
            engine._log(session, inst, "instance_suspended", actor.username)
        view = engine._result(inst, engine.definitions.get(session, inst.definition_id), wf, _open(session, inst))
    engine._commit_hooks(session)
    return view


def resume(engine: Any, instance_id: int, actor: Actor, revision: int | None) -> InstanceView:
    if not actor.is_admin:
        raise Forbidden("only an administrator may resume an instance")
    return run_on(engine, instance_id, actor, revision, "suspended", "instance_resumed")


def run_on(engine: Any, instance_id: int, actor: Actor, revision: int | None, status: str, event: str,
           before: Callable[[Any], None] | None = None) -> InstanceView:
    """Run an instance on from `status` (resume from suspended, retry from error), logging `event`;
    `before(workflow)` readies it first."""
    with engine._write() as session:
        with engine._instance(session, instance_id) as (inst, wf):
            check_revision(inst, revision)
            if inst.status != status:
                raise Conflict(f"instance is not {'in error' if status == 'error' else status}")
            if before is not None:
                before(wf)
            engine._log(session, inst, event, actor.username, task_name=inst.error_task)
            open_rows = engine._advance(session, inst, wf, actor.username)
        view = engine._result(inst, engine.definitions.get(session, inst.definition_id), wf, open_rows)
    engine._commit_hooks(session)
    return view


def _open(session: Any, inst: Any) -> list[Any]:
    return persistence.open_tasks(session, inst.id)
