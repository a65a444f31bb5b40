"""Moving running instances to a newer version of their process, with SpiffWorkflow's diff utilities.

`SpiffWorkflow.bpmn.util.diff` aligns the task specs of two versions by BPMN id (`diff_workflow`)
and re-points a workflow's tasks at the new specs, resetting and re-predicting the waiting and
ready ones (`migrate_workflow`); a ready user task keeps its id, so its inbox row stays. What it
leaves to us is when a move is safe. An instance can move unless:

- it is not running (finished, cancelled or in error);
- a task it is on, or one it has passed, has no counterpart in the new version (the state names
  each task's spec, so it could not be read back);
- it waits on a timer (the move would start the timer over) or in a sub-process the new version lacks;
- a user task it is on names a form the new version does not have;
- its data lacks a field the new version's start form requires (later steps would read it);
- the moved workflow does not survive a save and a reload.

The dry run moves a throwaway copy of each instance and reports what blocks it; the move does the
same inside the instance's own transaction, re-points its row at the new version and logs an
`instance_migrated` event, so it shows in the instance's history. Instances left behind keep
running on their version.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from . import audit, persistence
from .errors import Conflict, Forbidden, NotFound
from .models import ProcessDefinition, ProcessInstance
from .scripting import OpsFlowScriptEngine
from .serializer import StateSerializer
from .specs import ProcessSpecs

_ON = TaskState.READY | TaskState.WAITING | TaskState.STARTED


# code → the sentence in English, for logs, the API and tests; people read it translated from the code (webui)
SENTENCES = {
    "step_removed": "its current step {name!r} is not in v{version}",
    "step_passed_removed": "it has passed {name!r}, which v{version} no longer has",
    "subprocess_removed": "it is inside a sub-process that v{version} does not have",
    "waits_on_timer": "it waits on the timer {name!r}, which moving would start over",
    "form_missing": "its current step {name!r} asks for the form {form!r}, which v{version} lacks",
    "field_missing": "it lacks {field!r}, a required field of v{version}'s start form",
    "reload_failed": "the moved instance could not be saved and read back: {error}",
    "in_error": "it is in error: retry or cancel it first",
    "not_running": "it is {status}",
    "changed_meanwhile": "it changed while it was being moved: try again",
}


@dataclass(frozen=True)
class Blocker:
    """One reason an instance cannot move: a stable code and its parameters (a step's `step` id and `name`,
    `version`, `form`, `field`, `status`, `error`), so a reader gets it in their language."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Any) -> Blocker:
        return cls(code, tuple(sorted(params.items())))

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def __str__(self) -> str:
        return SENTENCES[self.code].format(**self.values)


@dataclass(frozen=True)
class MigrationCheck:
    """Whether one instance can move to the target version, and if not, why."""

    instance_id: int
    from_version: int
    to_version: int
    status: str
    at: tuple[str, ...]  # the steps it is on, as the designer named them
    blockers: tuple[Blocker, ...]
    steps: tuple[str, ...] = ()  # the BPMN ids of the steps it is on, for naming them in a reader's language

    @property
    def movable(self) -> bool:
        return not self.blockers


def _name(task: Any) -> str:
    spec = task.task_spec
    return getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name


def current_steps(wf: Any) -> tuple[str, ...]:
    return tuple(sorted({_name(t) for t in wf.get_tasks(state=_ON)
                         if getattr(t.task_spec, "bpmn_id", None)}))


def current_step_ids(wf: Any) -> tuple[str, ...]:
    return tuple(sorted({t.task_spec.bpmn_id for t in wf.get_tasks(state=_ON)
                         if getattr(t.task_spec, "bpmn_id", None)}))


def _step(task: Any) -> dict[str, Any]:
    return {"step": getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name, "name": _name(task)}


def blockers(wf: Any, target: ProcessDefinition, specs: ProcessSpecs, serializer: StateSerializer) -> list[Blocker]:
    """Why `wf` cannot move to `target`; empty when it can. Moves `wf` itself: give it a copy."""
    found: list[Blocker] = []
    top, subs = diff_workflow(serializer.registry, wf, specs.spec, specs.subprocess_specs)
    version = target.version
    for task in top.removed:
        if task.state & _ON:
            found.append(Blocker.of("step_removed", **_step(task), version=version))
        elif task.state == TaskState.COMPLETED and getattr(task.task_spec, "bpmn_id", None):
            found.append(Blocker.of("step_passed_removed", **_step(task), version=version))
    if any(diff is None for diff in subs.values()):
        found.append(Blocker.of("subprocess_removed", version=version))
    for task in wf.get_tasks(state=TaskState.WAITING):
        if "Timer" in type(getattr(task.task_spec, "event_definition", None)).__name__:
            found.append(Blocker.of("waits_on_timer", **_step(task)))
    forms = target.forms or {}
    for task in wf.get_tasks(state=TaskState.READY):
        form = ((getattr(task.task_spec, "extensions", None) or {}).get("properties") or {}).get("form")
        if task.task_spec.manual and form and form not in forms:
            found.append(Blocker.of("form_missing", **_step(task), form=form, version=version))
    data = wf.data if wf.is_completed() else _data_of(wf)
    for field in (forms.get("start") or {}).get("fields", []):
        if field.get("required") and field["name"] not in data:
            found.append(Blocker.of("field_missing", field=field["name"], version=version))
    if found:
        return sorted(set(found), key=found.index)
    try:
        move(wf, specs, serializer)
        serializer.state_from_json(serializer.state_to_json(wf), specs, wf.script_engine)
    except Exception as exc:  # SpiffWorkflow raises assorted errors on a tree it cannot re-predict
        return [Blocker.of("reload_failed", error=f"{type(exc).__name__}: {exc}"[:250])]
    return []


def _data_of(wf: Any) -> dict[str, Any]:
    ready = wf.get_tasks(state=_ON)
    return {**wf.data, **(ready[0].data if ready else {})}


def move(wf: Any, specs: ProcessSpecs, serializer: StateSerializer) -> None:
    """Re-point `wf` at the new specs (SpiffWorkflow re-predicts its waiting and ready branches)."""
    top, subs = diff_workflow(serializer.registry, wf, specs.spec, specs.subprocess_specs)
    migrate_workflow(top, wf, specs.spec)
    for sp_id, diff in subs.items():
        sub = wf.subprocesses[sp_id]
        migrate_workflow(diff, sub, specs.subprocess_specs[sub.spec.name])
    wf.subprocess_specs = specs.subprocess_specs


class _Blocked(Exception):
    """Raised inside a move's transaction so that nothing of it is written."""

    def __init__(self, reasons: list[Blocker]) -> None:
        super().__init__("; ".join(map(str, reasons)))
        self.reasons = reasons


_LEFT_BEHIND = ("running", "waiting", "error")


def _may_migrate(actor: Any) -> None:
    if not (actor.is_admin or "designer" in actor.roles):
        raise Forbidden("only process designers and administrators may migrate instances")


def _target(engine: Any, session: Session, key: str, to_version: int | None) -> ProcessDefinition:
    if to_version is None:
        return engine.definitions.require_latest(session, key)
    found = session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == key,
                                                               ProcessDefinition.version == to_version))
    if found is None:
        raise NotFound(f"{key} has no version {to_version}")
    return engine.definitions.get(session, found)


def _candidates(key: str, target: ProcessDefinition) -> Select[Any]:
    return (select(ProcessInstance.id, ProcessInstance.status, ProcessDefinition.version)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(ProcessInstance.process_key == key, ProcessInstance.status.in_(_LEFT_BEHIND),
                   ProcessDefinition.version < target.version)
            .order_by(ProcessInstance.id))


def _check(engine: Any, session: Session, instance_id: int, status: str, version: int,
           target: ProcessDefinition, specs: ProcessSpecs) -> MigrationCheck:
    row = session.get(ProcessInstance, instance_id)
    old = engine.definitions.get(session, row.definition_id)
    wf = engine.serializer.state_from_json(row.state, engine.definitions.specs(old),
                                           OpsFlowScriptEngine(engine.registry, engine.limits))
    at, ids = current_steps(wf), current_step_ids(wf)
    reasons = ([Blocker.of("in_error")] if status == "error"
               else blockers(wf, target, specs, engine.serializer))
    return MigrationCheck(instance_id, version, target.version, status, at, tuple(reasons), ids)


def plan(engine: Any, key: str, actor: Any, to_version: int | None = None, limit: int = 100,
         offset: int = 0) -> tuple[ProcessDefinition, list[MigrationCheck], bool]:
    """The dry run: each unfinished instance on an older version, whether it can move and what blocks it;
    one page of them, and whether there are more."""
    _may_migrate(actor)
    with engine.read() as session:
        target = _target(engine, session, key, to_version)
        specs = engine.definitions.specs(target)
        rows = session.execute(_candidates(key, target).limit(limit + 1).offset(offset)).all()
        checks = [_check(engine, session, i, s, v, target, specs) for i, s, v in rows[:limit]]
    return target, checks, len(rows) > limit


def migrate(engine: Any, key: str, actor: Any, to_version: int | None = None,
            instance_ids: list[int] | None = None) -> list[MigrationCheck]:
    """Move every movable instance (or those of `instance_ids`), each in a transaction of its own; what
    blocked the others is in their checks."""
    _may_migrate(actor)
    with engine.read() as session:
        target = _target(engine, session, key, to_version)
        q = _candidates(key, target)
        rows = session.execute(q.where(ProcessInstance.id.in_(instance_ids)) if instance_ids is not None else q).all()
    results = []
    for instance_id, status, version in rows:
        results.append(_move_one(engine, instance_id, status, version, target, actor))
    return results


def _move_one(engine: Any, instance_id: int, status: str, version: int, target: ProcessDefinition,
              actor: Any) -> MigrationCheck:
    specs = engine.definitions.specs(target)
    at: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    try:
        with engine._write() as session:
            with engine._instance(session, instance_id) as (inst, wf):
                at, ids = current_steps(wf), current_step_ids(wf)
                if inst.status not in ("running", "waiting"):
                    raise _Blocked([Blocker.of("in_error") if inst.status == "error"
                                    else Blocker.of("not_running", status=inst.status)])
                reasons = blockers(wf, target, specs, engine.serializer)  # moves wf when nothing blocks
                if reasons:
                    raise _Blocked(reasons)
                persistence.move_to_definition(session, inst.id, target.id)
                inst.definition_id = target.id
                engine._log(session, inst, "instance_migrated", actor.username, from_version=version,
                            to_version=target.version)
                audit.record(session, actor.username, "instance.migrated", f"instance {inst.id}", engine.clock(),
                             process=inst.process_key, from_version=version, to_version=target.version)
                engine._advance(session, inst, wf, actor.username)
        engine._commit_hooks(session)
    except _Blocked as exc:
        return MigrationCheck(instance_id, version, target.version, status, at, tuple(exc.reasons), ids)
    except Conflict:
        return MigrationCheck(instance_id, version, target.version, status, at,
                              (Blocker.of("changed_meanwhile"),), ids)
    return MigrationCheck(instance_id, version, target.version, status, at, (), ids)
