"""WorkflowEngine: the facade everything else drives the kernel through.

Every public call is one database transaction: read the instance, change
it, write state, human tasks and events together, or nothing. The instance
row carries a version counter, so two people acting on the same instance at
once get one success and one Conflict, never a half-written row. Live
workflows are cached per (instance, version): while the row still has that
version there is nothing to deserialize. A step's rows are written with the
prepared statements of `persistence`, events in one insert at the end of
the transaction.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, field_crypto, forms, hooks, messages, migration, persistence, suspension, tasks, work_calendar
from .access import AccessPolicy
from .clock import utcnow
from .database import read_sessions, write_sessions
from .definitions import Bundle, DefinitionStore, DeployResult, bpmn_files
from .errors import Conflict, Forbidden, InvalidData, NotFound, OpsFlowError, ScriptError, ServiceError
from .models import Event, HumanTask, ProcessDefinition, ProcessInstance
from .persistence import InstanceRow
from .prepared import Prepared
from .scripting import OpsFlowScriptEngine, ScriptLimits
from .serializer import StateSerializer
from .services import ServiceCall, ServiceRegistry, apply_result
from .spiff_clock import spiff_clock
from .suspension import check_not_suspended, check_revision
from .views import SYSTEM, Actor, EventView, InstanceView, TaskView
from .workflow import OpsFlowWorkflow

_LOGGED_STEPS = ("ServiceTask", "ScriptTask", "BusinessRuleTask")
_DATA_STEPS = (*_LOGGED_STEPS, "UserTask", "ManualTask")
# an instance's whole picture, read as plain rows (built once: every command's answer and every instance page asks)
_TASKS_OF = Prepared(select(HumanTask.__table__).where(HumanTask.instance_id == bindparam("instance_id"))
                     .order_by(HumanTask.created_at, HumanTask.id))
_INSTANCE_OF = Prepared(select(*(c for c in ProcessInstance.__table__.c if c.name != "state"),
                               func.coalesce(func.length(ProcessInstance.state), 0).label("state_length"))
                        .where(ProcessInstance.id == bindparam("instance_id")))
_EVENTS_OF = Prepared(select(Event.__table__).where(Event.instance_id == bindparam("instance_id"))
                      .order_by(Event.id))


class WorkflowEngine:
    def __init__(self, db: Engine, registry: ServiceRegistry | None = None, *,
                 clock: Callable[[], datetime] = utcnow, cache_size: int = 512,
                 policy: AccessPolicy | None = None, limits: ScriptLimits | None = None) -> None:
        """`limits`: what a script may cost and how big a state may grow (default: from the environment)."""
        self.registry = registry or ServiceRegistry()
        self.policy = policy or AccessPolicy()
        self.limits = limits or ScriptLimits.from_environment()
        self.db = db
        self.clock = clock
        self.serializer = StateSerializer()
        self.definitions = DefinitionStore(self.registry, self.serializer)
        self._writes = write_sessions(db)
        persistence.follow_savepoints(self._writes)
        self._reads = read_sessions(db)
        self._cache: OrderedDict[int, tuple[int, OpsFlowWorkflow]] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._forms: dict[tuple[str, int], dict[str, Any]] = {}

    # -- transactions -------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Session]:
        session = self._writes()
        try:
            with session.begin():
                yield session
                persistence.write_events(session)
        except StaleDataError as exc:
            raise Conflict("the instance was changed by someone else; reload and try again") from exc
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._reads()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    # -- definitions --------------------------------------------------------
    def deploy_path(self, path: Path, actor: str = "system") -> list[DeployResult]:
        results: list[DeployResult] = []
        with self._write() as session:
            for file in bpmn_files(path):
                results.extend(self._deploy(session, Bundle.from_path(file), actor))
        return results

    def deploy_bundle(self, bundle: Bundle, actor: str = "system") -> list[DeployResult]:
        with self._write() as session:
            return self._deploy(session, bundle, actor)

    def _deploy(self, session: Session, bundle: Bundle, actor: str) -> list[DeployResult]:
        """Deploy, and put every new version in the audit log."""
        results = self.definitions.deploy(session, bundle, actor)
        for r in results:
            if r.created:
                audit.record(session, actor, "definition.deployed", f"process {r.key}", self.clock(),
                             version=r.version)
        return results

    def processes(self) -> list[ProcessDefinition]:
        with self.read() as session:
            return self.definitions.latest_all(session)

    def form(self, key: str, name: str, version: int | None = None) -> dict[str, Any] | None:
        """A form of a process version (the latest without one). A deployed version never changes, so its
        forms are read once; the page that shows a task asks for two of them on every view."""
        forms = self._forms.get((key, version)) if version else None
        if forms is None:
            with self.read() as session:
                q = select(ProcessDefinition.forms, ProcessDefinition.version).where(ProcessDefinition.key == key)
                q = q.where(ProcessDefinition.version == version) if version else q
                row = session.execute(q.order_by(ProcessDefinition.version.desc()).limit(1)).first()
            if row is None:
                return None
            forms = row.forms or {}
            self._forms[(key, row.version)] = forms
        return forms.get(name)

    # -- live workflows -----------------------------------------------------
    def _cached(self, inst: Any) -> OpsFlowWorkflow | None:
        """The live workflow a step left for this version of the instance (anything with its id and
        lock_version: a model, an InstanceRow or a read's plain row), taken out of the cache while it is
        used (so no other request changes it meanwhile)."""
        with self._cache_lock:
            cached = self._cache.pop(inst.id, None)
        return cached[1] if cached and cached[0] == inst.lock_version else None

    def _checkout(self, session: Session, inst: InstanceRow) -> OpsFlowWorkflow:
        cached = self._cached(inst)
        if cached is not None:
            return cached
        specs = self.definitions.specs(self.definitions.get(session, inst.definition_id))
        return self.serializer.state_from_json(persistence.load_state(session, inst.id), specs,
                                               OpsFlowScriptEngine(self.registry, self.limits))

    def _checkin(self, inst_id: int, version: int, wf: OpsFlowWorkflow) -> None:
        with self._cache_lock:
            self._cache[inst_id] = (version, wf)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    @contextmanager
    def _instance(self, session: Session, instance_id: int, row: InstanceRow | None = None,
                  limit_state: bool = True) -> Iterator[tuple[InstanceRow, OpsFlowWorkflow]]:
        """Check a workflow out for one transaction and write it back at the end of the block.

        `row`: the instance's row if the caller has just read it in this transaction (to look at its status).
        """
        inst = row if row is not None else persistence.load_instance(session, instance_id)
        if inst is None:
            raise NotFound(f"no process instance {instance_id}")
        wf = self._checkout(session, inst)
        yield inst, wf
        self._save(session, inst, wf, limit_state)

    def _save(self, session: Session, inst: InstanceRow, wf: OpsFlowWorkflow, limit_state: bool = True) -> None:
        """Write the instance row under its version; the workflow returns to the cache only if the commit holds.

        A state above the limit refuses the whole step (its transaction rolls back, the cached workflow
        is dropped): every later save of the instance would carry it. Ending an instance (`limit_state`
        False) may save a state that grew past a limit lowered since."""
        state = self.serializer.state_to_json(wf)
        if limit_state and len(state) > self.limits.state:
            self.limits.check_state(len(state), inst.process_key, _last_step(wf))
        if self._sensitive(session, inst):
            state = field_crypto.keyring().encrypt(state)
        persistence.save_instance(session, inst, state)
        version = inst.lock_version
        session.info.setdefault(persistence.AFTER_COMMIT, []).append(lambda: self._checkin(inst.id, version, wf))

    def _sensitive(self, session: Session, inst: InstanceRow | ProcessInstance) -> frozenset[str]:
        return self.definitions.sensitive(self.definitions.get(session, inst.definition_id))

    def _commit_hooks(self, session: Session) -> None:
        for hook in session.info.pop(persistence.AFTER_COMMIT, []):
            hook()

    # -- stepping -----------------------------------------------------------
    def _log(self, session: Session, inst: InstanceRow | ProcessInstance, kind: str, actor: str,
             task: Any = None, task_name: str | None = None, **detail: Any) -> None:
        """Append to the instance's event log (`task`: its human-task row, if the event is about one)."""
        persistence.add_event(session, inst.id, kind, actor, self.clock(), task.id if task else None,
                              task.task_name if task else task_name, detail)

    def _advance(self, session: Session, inst: InstanceRow, wf: OpsFlowWorkflow, actor: str) -> list[Any]:
        """Run engine steps, then set status and summary, mirror human tasks, log, and run the after-step hooks.

        Returns the instance's open task rows. The caller writes the instance row (`_save`).
        """
        engine: OpsFlowScriptEngine = wf.script_engine

        def start_process(key: str, data: dict[str, Any], business_key: str | None = None) -> int:
            return self._start_in(session, key, data, Actor(actor), business_key)[0].id

        engine.call = ServiceCall(session, inst.id, "", actor, inst.process_key, start_process, self.clock())
        steps: list[str] = []

        waiting: list[str] = []

        def did_complete(task: Any) -> None:
            if type(task.task_spec).__name__ in _LOGGED_STEPS:  # a service step left STARTED waits for its answer
                name = task.task_spec.bpmn_id or task.task_spec.name
                (waiting if task.state == TaskState.STARTED else steps).append(name)

        error: Exception | None = None
        try:
            with spiff_clock(self.clock):
                wf.do_engine_steps(did_complete_task=did_complete)
        except Exception as exc:  # a failing script or service call fails the instance, not the server
            error = exc
        finally:
            engine.call = None
        now = self.clock()
        for name in steps:
            self._log(session, inst, "step_completed", actor, task_name=name)
        for name in waiting:
            self._log(session, inst, "step_waiting", actor, task_name=name)
        if error is not None:
            failed = wf.get_tasks(state=TaskState.ERROR)
            inst.status = "error"
            inst.error_task = (failed[0].task_spec.bpmn_id or failed[0].task_spec.name) if failed else None
            inst.error_message = str(error)[:4000]
            self._log(session, inst, "instance_error", actor, task_name=inst.error_task,
                      error=inst.error_message)
        elif wf.is_completed():
            inst.status, inst.ended_at, inst.error_message, inst.error_task = "completed", now, None, None
            self._log(session, inst, "instance_completed", actor)
        else:
            has_engine_work = any(not t.task_spec.manual for t in wf.get_tasks(state=TaskState.READY))
            inst.status = "running" if has_engine_work else "waiting"
            inst.error_message = inst.error_task = None
        inst.summary = _summary(wf.data if wf.is_completed() else _current_data(wf), self._sensitive(session, inst))
        inst.updated_at = now
        created, still_open = tasks.sync(session, inst, wf, now)
        for row in created:
            self._log(session, inst, "task_created", "system", row, title=row.title,
                      candidate_group=row.candidate_group)
        hooks.step_done(session, inst, wf, now)  # the job system schedules timers and retries
        return still_open + created

    # -- instances ----------------------------------------------------------
    def start(self, key: str, data: dict[str, Any], actor: Actor, business_key: str | None = None,
              then: Callable[[Session, int], None] | None = None, *, whole: bool = False) -> InstanceView:
        """`then(session, instance id)` runs in the same transaction, e.g. to keep the files sent with the start.

        Only whoever the policy lets start the process may, and a start-form field taken from the
        requester's account (`from_requester`, e.g. the department) is theirs whatever the caller sent.
        `whole`: answer with the instance as `get` shows it to `actor` (see `_answer`).
        """
        if not isinstance(data, dict):
            raise InvalidData({"data": "must be an object"})
        with self._write() as session:
            if not self.policy.may_start(session, actor, key):
                raise Forbidden(f"you may not start {key}")
            definition = self.definitions.require_latest(session, key)
            data = forms.from_requester((definition.forms or {}).get("start"), data, actor)
            inst, definition, wf, open_rows = self._launch(session, key, data, actor, business_key,
                                                           definition=definition)
            if then is not None:
                then(session, inst.id)
            view = self._answer(session, inst, definition, wf, open_rows, actor if whole else None)
        self._commit_hooks(session)
        return view

    def _start_in(self, session: Session, key: str, data: dict[str, Any], actor: Actor, business_key: str | None,
                  prepare: Callable[[BpmnWorkflow], None] | None = None,
                  ) -> tuple[InstanceRow, ProcessDefinition, OpsFlowWorkflow]:
        """Start an instance inside the caller's transaction (also used by service calls starting a flow).

        `prepare` sees the new workflow before its first step (the next run of a start cycle).
        """
        return self._launch(session, key, data, actor, business_key, prepare)[:3]

    def _launch(self, session: Session, key: str, data: dict[str, Any], actor: Actor, business_key: str | None,
                prepare: Callable[[BpmnWorkflow], None] | None = None,
                definition: ProcessDefinition | None = None,
                ) -> tuple[InstanceRow, ProcessDefinition, OpsFlowWorkflow, list[Any]]:
        """`_start_in`, also returning the new instance's open task rows (`definition`: the latest, if read)."""
        definition = definition or self.definitions.require_latest(session, key)
        start_form = (definition.forms or {}).get("start")
        # with a start form only its fields enter the instance: a client cannot plant `decision`
        values = forms.validate(start_form, data) if start_form else _plain(data)
        if problems := self.registry.start_problems(session, key, values):
            raise InvalidData(problems)
        values["requester"] = actor.username
        now = self.clock()
        wf = OpsFlowWorkflow(**_workflow_args(self.definitions.specs(definition), self.registry, self.limits))
        wf.data.update(values)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(values)
        if prepare is not None:
            prepare(wf)
        department = values.get("department") if isinstance(values.get("department"), str) else None
        inst = InstanceRow(definition_id=definition.id, process_key=key, business_key=business_key,
                           status="running", started_by=actor.username, department=department or actor.department,
                           created_at=now, updated_at=now)
        persistence.insert_instance(session, inst)
        self._log(session, inst, "instance_started", actor.username, version=definition.version)
        open_rows = self._advance(session, inst, wf, actor.username)
        self._save(session, inst, wf)
        return inst, definition, wf, open_rows

    def get(self, instance_id: int, actor: Actor = SYSTEM) -> InstanceView:
        with self.read() as session:
            inst = _INSTANCE_OF.first(session, {"instance_id": instance_id})
            if inst is None:
                raise NotFound(f"no process instance {instance_id}")
            if not self.policy.may_view_instance(session, inst, actor):
                raise Forbidden("you may not see this process instance")
            definition = self.definitions.get(session, inst.definition_id)
            # history written without a workflow (`opsflow seed-history`) is told by its rows alone
            wf = self._borrow(session, inst, definition) if inst.state_length else None
            rows = _TASKS_OF.rows(session, {"instance_id": inst.id})
            events = _EVENTS_OF.rows(session, {"instance_id": inst.id})
            view = self._result(inst, definition, wf, rows, events)
        if wf is not None:
            self._checkin(inst.id, inst.lock_version, wf)
        return view

    def _borrow(self, session: Session, inst: Any, definition: ProcessDefinition) -> OpsFlowWorkflow:
        """The live workflow of the version read, from the cache when a step left it there (taken out
        while it is read, so no step changes it meanwhile); decoding the state is most of a read's cost,
        and the state is only read then."""
        cached = self._cached(inst)
        if cached is not None:
            return cached
        return self.serializer.state_from_json(persistence.load_state(session, inst.id),
                                               self.definitions.specs(definition),
                                               OpsFlowScriptEngine(self.registry, self.limits))

    def task_form(self, task: TaskView) -> dict[str, Any] | None:
        """The form of a task as the version its instance runs on defines it (one query, no state read)."""
        return self.version_forms(task).get(task.form) if task.form else None

    def version_forms(self, task: TaskView) -> dict[str, Any]:
        """Every form of the version the task's instance runs on, by name: a completion compares its task's
        form with the start form ("is this a revision?") without reading the instance."""
        with self.read() as session:
            forms = session.scalar(select(ProcessDefinition.forms)
                                   .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
                                   .where(ProcessInstance.id == task.instance_id))
        return forms or {}

    def diagram(self, instance_id: int, actor: Actor) -> str:
        """The BPMN XML of the version this instance runs on, for whoever may see the instance."""
        with self.read() as session:
            inst = session.get(ProcessInstance, instance_id)
            if inst is None:
                raise NotFound(f"no process instance {instance_id}")
            if not self.policy.may_view_instance(session, inst, actor):
                raise Forbidden("you may not see this process instance")
            return self.definitions.get(session, inst.definition_id).bpmn_xml

    def migration_plan(self, key: str, actor: Actor, to_version: int | None = None, limit: int = 100,
                       offset: int = 0) -> tuple[ProcessDefinition, list[migration.MigrationCheck], bool]:
        """Dry run: which unfinished instances of older versions can move to `to_version` (the newest by
        default), and what blocks the others; a page of them and whether there are more."""
        return migration.plan(self, key, actor, to_version, limit, offset)

    def migrate(self, key: str, actor: Actor, to_version: int | None = None,
                instance_ids: list[int] | None = None) -> list[migration.MigrationCheck]:
        """Move the movable instances to `to_version`, each in its own transaction and history."""
        return migration.migrate(self, key, actor, to_version, instance_ids)

    def cancel(self, instance_id: int, actor: Actor, revision: int | None = None) -> InstanceView:
        """`revision`: the instance's revision the caller saw; a changed instance is not cancelled (Conflict)."""
        with self._write() as session:
            with self._instance(session, instance_id, limit_state=False) as (inst, wf):
                check_revision(inst, revision)
                if inst.status in ("completed", "cancelled"):
                    raise Conflict(f"instance is already {inst.status}")
                if not (actor.is_admin or inst.started_by == actor.username):
                    raise Forbidden("only the requester or an administrator may cancel")
                effects = self._run_cancel_hooks(session, inst, _current_data(wf), actor.username)
                wf.cancel()
                now = self.clock()
                inst.status, inst.ended_at, inst.updated_at = "cancelled", now, now
                persistence.close_tasks(session, [r.id for r in persistence.open_tasks(session, inst.id)],
                                        "cancelled", now)
                self._log(session, inst, "instance_cancelled", actor.username,
                          **({"effects": effects} if effects else {}))
            view = self._result(inst, self.definitions.get(session, inst.definition_id), wf, [])
        self._commit_hooks(session)
        return view

    def _run_cancel_hooks(self, session: Session, inst: InstanceRow, data: dict[str, Any],
                          actor: str) -> list[dict[str, Any]]:
        """The modules' clean-up for this process, in the cancel's transaction: it fails the cancel or holds."""
        call = ServiceCall(session, inst.id, "cancel", actor, inst.process_key, now=self.clock())
        effects: list[dict[str, Any]] = []
        for hook in self.registry.cancel_hooks(inst.process_key):
            try:
                result = hook(call, data)
            except Exception as exc:
                raise ServiceError(getattr(hook, "__name__", "cancel hook"), exc) from exc
            if result:
                effects.append(result)
        return effects

    def retry(self, instance_id: int, actor: Actor, revision: int | None = None) -> InstanceView:
        """Run the failed step again (an operator's action after fixing the cause)."""
        if not actor.is_admin:
            raise Forbidden("only an administrator may retry an instance")

        def ready_again(wf: OpsFlowWorkflow) -> None:
            for task in wf.get_tasks(state=TaskState.ERROR):
                task._set_state(TaskState.READY)

        return suspension.run_on(self, instance_id, actor, revision, "error", "instance_retried", ready_again)

    def suspend(self, instance_id: int, actor: Actor, revision: int | None = None) -> InstanceView:
        """Hold an instance (an administrator's action): no task of it can be claimed or completed, no timer
        fires, no message reaches it, until it is resumed."""
        return suspension.suspend(self, instance_id, actor, revision)

    def resume(self, instance_id: int, actor: Actor, revision: int | None = None) -> InstanceView:
        """Let a suspended instance go on: what came due meanwhile (a timer) runs now."""
        return suspension.resume(self, instance_id, actor, revision)

    def send_message(self, name: str, correlation_key: str, payload: dict[str, Any],
                     actor: Actor) -> messages.Delivery:
        """Start the process that begins with this message, or wake the one instance waiting for it
        (engine/messages.py says how a message finds its place)."""
        return messages.send(self, name, correlation_key, payload, actor)

    # -- service steps that answer later ----------------------------------------
    def resume_service(self, instance_id: int, task_id: str, result: dict[str, Any], actor: str = "system") -> bool:
        """Give a waiting service step its answer (a call's response, a worker's result) and go on from it.

        False, and nothing written, when the step no longer waits: it was answered already (a second
        delivery of the same answer), or the instance was cancelled meanwhile.
        """
        with self._write() as session:
            resumed = self._resume_in(session, instance_id, task_id, result, actor)
        self._commit_hooks(session)
        return resumed

    def _resume_in(self, session: Session, instance_id: int, task_id: str, result: dict[str, Any],
                   actor: str = "system") -> bool:
        """`resume_service` inside the caller's transaction (where the answer's own rows are written)."""
        waiting = self._waiting_step(session, instance_id, task_id)
        if waiting is None:
            return False
        inst, wf, task = waiting
        apply_result(task.data, task.task_spec.result_variable, result)
        task.complete()
        self._log(session, inst, "step_completed", actor, task_name=task.task_spec.bpmn_id or task.task_spec.name,
                  answered_later=True)
        self._advance(session, inst, wf, actor)
        self._save(session, inst, wf)
        return True

    def _waiting_step(self, session: Session, instance_id: int,
                      task_id: str) -> tuple[InstanceRow, OpsFlowWorkflow, Any] | None:
        """The instance, its workflow and the service task `task_id` if that task still waits for its answer."""
        inst = persistence.load_instance(session, instance_id)
        if inst is None:
            raise NotFound(f"no process instance {instance_id}")
        if inst.status in ("completed", "cancelled"):
            return None
        wf = self._checkout(session, inst)
        task = _waiting_service_task(wf, task_id)
        if task is None:
            self._checkin(inst.id, inst.lock_version, wf)
            return None
        return inst, wf, task

    def _service_waiting(self, session: Session, instance_id: int, task_id: str) -> bool:
        waiting = self._waiting_step(session, instance_id, task_id)
        if waiting is not None:
            self._checkin(waiting[0].id, waiting[0].lock_version, waiting[1])
        return waiting is not None

    def _fail_waiting_in(self, session: Session, instance_id: int, task_id: str, error: str,
                         actor: str = "system") -> bool:
        """A waiting service step whose work failed elsewhere (on a worker): the instance goes to error,
        with its retry job, as if the step had failed here. False when the step no longer waits."""
        waiting = self._waiting_step(session, instance_id, task_id)
        if waiting is None:
            return False
        inst, wf, task = waiting
        task.error()
        inst.status, inst.error_task = "error", task.task_spec.bpmn_id or task.task_spec.name
        inst.error_message, inst.updated_at = error[:4000], self.clock()
        self._log(session, inst, "instance_error", actor, task_name=inst.error_task, error=inst.error_message)
        hooks.step_done(session, inst, wf, inst.updated_at)  # the job system schedules the retry
        self._save(session, inst, wf)
        return True

    # -- human tasks --------------------------------------------------------
    def _task_row(self, session: Session, task_id: str, lock: bool = True) -> HumanTask:
        """The task's row, locked until commit (PostgreSQL) so that two people acting on it queue:
        the second then reads what the first wrote. SQLite's BEGIN IMMEDIATE already queues writers."""
        row = session.get(HumanTask, task_id, with_for_update=lock)
        if row is None:
            raise NotFound(f"no task {task_id}")
        return row

    def task(self, task_id: str, actor: Actor) -> TaskView:
        with self.read() as session:
            row = self._task_row(session, task_id, lock=False)
            inst = session.get(ProcessInstance, row.instance_id)
            if not self.policy.may_view_instance(session, inst, actor):
                raise Forbidden("you may not see this task")
            return tasks.to_view(row, inst)

    def claim(self, task_id: str, actor: Actor) -> TaskView:
        with self._write() as session:
            row = self._task_row(session, task_id)
            if row.status != "open":
                raise Conflict("task is no longer open")
            inst = session.get(ProcessInstance, row.instance_id)
            check_not_suspended(inst)
            if row.assignee == actor.username:
                return tasks.to_view(row, inst)
            if row.assignee:
                raise Conflict(f"task is already claimed by {row.assignee}")
            tasks.check_may_complete(row, actor)
            tasks.check_four_eyes(session, row, actor)
            row.assignee, row.claimed_at = actor.username, self.clock()
            inst.updated_at = row.claimed_at  # bumps lock_version: a claim races like a completion
            self._log(session, inst, "task_claimed", actor.username, row)
            return tasks.to_view(row, inst)

    def unclaim(self, task_id: str, actor: Actor) -> TaskView:
        with self._write() as session:
            row = self._task_row(session, task_id)
            if row.status != "open":
                raise Conflict("task is no longer open")
            if row.assignee != actor.username and not actor.is_admin:
                raise Forbidden("only the person who claimed the task may release it")
            row.assignee, row.claimed_at = None, None
            inst = session.get(ProcessInstance, row.instance_id)
            inst.updated_at = self.clock()
            self._log(session, inst, "task_unclaimed", actor.username, row)
            return tasks.to_view(row, inst)

    def complete(self, task_id: str, actor: Actor, data: dict[str, Any],
                 detail: dict[str, Any] | None = None, *, whole: bool = False) -> InstanceView:
        """Complete a task; `detail` (e.g. the rule behind an automatic decision) goes into its event.
        `whole`: answer with the instance as `get` shows it to `actor` (see `_answer`)."""
        with self._write() as session:
            row = persistence.task_row(session, task_id, lock=True)
            if row is None:
                raise NotFound(f"no task {task_id}")
            if row.status != "open":
                raise Conflict("task is no longer open")
            tasks.check_may_complete(row, actor)
            tasks.check_four_eyes(session, row, actor)
            with self._instance(session, row.instance_id) as (inst, wf):
                check_not_suspended(inst)
                definition = self.definitions.get(session, inst.definition_id)
                form = (definition.forms or {}).get(row.form) if row.form else None
                values = forms.validate(form, data) if form else _plain(data)
                task = wf.get_task_from_id(UUID(task_id))
                if task is None or task.state != TaskState.READY:
                    raise Conflict("task is no longer open")
                task.data.update(values)
                try:
                    with spiff_clock(self.clock):  # finishing it may reach a timer, which reads the clock
                        task.run()
                except Exception as exc:  # the task's own post-script failed: refuse this completion, roll back
                    raise ScriptError(f"task {row.task_name} could not be completed: {exc}") from exc
                now = self.clock()
                waited = (now - row.created_at).total_seconds()
                outcome = str(values.get("decision"))[:50] if values.get("decision") is not None else None
                comment = values.get("comment")
                if comment and "comment" in self.definitions.sensitive(definition):  # kept, but not readable as is
                    comment = field_crypto.keyring().encrypt(str(comment))
                # unclaimed, it waited until someone took it and finished it at once
                claimed = row.claimed_at or now
                persistence.finish_task(session, task_id, status="completed", completed_at=now,
                                        completed_by=actor.username, wait_seconds=waited, outcome=outcome,
                                        comment=comment, claim_wait_seconds=(claimed - row.created_at).total_seconds(),
                                        work_seconds=(now - claimed).total_seconds(),
                                        late_working_seconds=work_calendar.lateness(session, row.due_at, now))
                self._log(session, inst, "task_completed", actor.username, row, outcome=outcome, comment=comment,
                          waited_seconds=int(waited), **(detail or {}))
                open_rows = self._advance(session, inst, wf, actor.username)
            view = self._answer(session, inst, definition, wf, open_rows, actor if whole else None)
        self._commit_hooks(session)
        return view

    def wake_timers(self, now: datetime | None = None, worker_id: str = "inline", limit: int = 500) -> int:
        """Fire the timers due by `now` at once; the scheduler does the same through the job system's runner,
        which is what this runs (`hooks.timer_waker`)."""
        return hooks.wake_timers(self, now or self.clock(), worker_id, limit)

    def open_tasks(self, actor: Actor, limit: int = 50, offset: int = 0,
                   after: tasks.InboxKey | None = None) -> list[TaskView]:
        """The actor's inbox in its order; `after` (`tasks.inbox_key` of the last task seen) pages by key."""
        with self.read() as session:
            return tasks.inbox_page(session, actor, limit, offset, after)

    # -- views --------------------------------------------------------------
    def _answer(self, session: Session, inst: InstanceRow, definition: ProcessDefinition, wf: OpsFlowWorkflow,
                open_rows: Sequence[Any], viewer: Actor | None) -> InstanceView:
        """A command's answer: its open tasks, or for `viewer` (if they may see the instance) every task and
        event as `get` shows them, read inside the command's transaction. A second transaction would read the
        instance row, its access and its workflow again for what this one already holds."""
        if viewer is None or not self.policy.may_view_instance(session, inst, viewer):
            return self._result(inst, definition, wf, open_rows)
        persistence.write_events(session)  # this step's events, with their ids, in the history read next
        rows = _TASKS_OF.rows(session, {"instance_id": inst.id})
        events = _EVENTS_OF.rows(session, {"instance_id": inst.id})
        return self._result(inst, definition, wf, rows, events)

    @staticmethod
    def _result(inst: ProcessInstance | InstanceRow, definition: ProcessDefinition, wf: BpmnWorkflow | None,
                task_rows: Sequence[Any], events: Sequence[Any] | None = None) -> InstanceView:
        """The instance as `get` shows it (every task and event), or as a command leaves it.

        A command (start, complete, cancel, retry) answers with the open tasks only, which the step
        already holds, and no history: reading back every task and event of the instance would make
        each step cost more the longer the instance has run. `get` gives the whole picture.
        """
        rows = sorted(task_rows, key=lambda r: (r.created_at, r.id))
        return InstanceView(
            id=inst.id, process=inst.process_key, process_name=definition.name, version=definition.version,
            status=inst.status, business_key=inst.business_key, started_by=inst.started_by,
            created_at=inst.created_at, updated_at=inst.updated_at, ended_at=inst.ended_at,
            data=(dict(inst.summary or {}) if wf is None
                  else _plain(wf.data if wf.is_completed() else _current_data(wf))),
            error_message=inst.error_message, error_task=inst.error_task, revision=inst.lock_version,
            tasks=[tasks.to_view(r, inst) for r in rows],
            history=[EventView(e.id, e.kind, e.actor, e.at, e.task_id, e.task_name,
                               {k: field_crypto.reveal(v) for k, v in (e.detail or {}).items()})
                     for e in events or ()],
        )


def _workflow_args(specs: Any, registry: ServiceRegistry, limits: ScriptLimits) -> dict[str, Any]:
    return {"spec": specs.spec, "subprocess_specs": specs.subprocess_specs,
            "script_engine": OpsFlowScriptEngine(registry, limits)}


def _last_step(wf: BpmnWorkflow) -> str:
    """The task that finished last (gateways and events aside): the one that grew the state too much."""
    done = wf.get_tasks(state=TaskState.COMPLETED)
    tasks = [t for t in done if type(t.task_spec).__name__ in _DATA_STEPS] or done
    task = max(tasks, key=lambda t: t.last_state_change) if tasks else None
    return (task.task_spec.bpmn_id or task.task_spec.name) if task else wf.spec.name


def _current_data(wf: BpmnWorkflow) -> dict[str, Any]:
    """The data a person would call the instance's: that of its latest finished or ready task."""
    # a waiting parallel join holds no data of its own: it is never the instance's current data
    candidates = [t for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.ERROR) if t.data]
    if not candidates:
        candidates = wf.get_tasks(state=TaskState.COMPLETED)
    if not candidates:
        return dict(wf.data)
    task = max(candidates, key=lambda t: t.last_state_change)
    return {**wf.data, **task.data}


def _plain(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidData({"data": "must be an object"})
    return {k: v for k, v in data.items() if isinstance(k, str) and not k.startswith("_") and not callable(v)}


def _summary(data: dict[str, Any], hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A few plain values for lists; sensitive ones never leave the (encrypted) state."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, (str, int, float, bool)) and not k.startswith("spiff") and k not in hidden and len(out) < 12:
            out[k] = v[:200] if isinstance(v, str) else v
    return out


__all__ = ["WorkflowEngine", "OpsFlowError"]


def _waiting_service_task(wf: OpsFlowWorkflow, task_id: str) -> Any:
    """The service task `task_id` if it is still waiting for its answer (STARTED), else None."""
    try:
        task = wf.get_task_from_id(UUID(task_id))
    except Exception:  # not a UUID, or no such task in this workflow (Spiff's TaskNotFoundException)
        return None
    if task is None or task.state != TaskState.STARTED or not hasattr(task.task_spec, "result_variable"):
        return None
    return task
