"""Drive a process through the engine, switching to a new WorkflowEngine at every wait state.

Shared by the process tests: nothing is carried over in memory between steps, and at each
wait state the saved state is restored and compared with the inbox rows.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import Actor, HumanTask, InstanceView, ProcessDefinition, ProcessInstance, ServiceRegistry, WorkflowEngine
from engine.scripting import OpsFlowScriptEngine
from engine.serializer import StateSerializer


class Driver:
    def __init__(self, db: Engine, registry: ServiceRegistry, process: str,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.db, self.registry, self.process, self.clock = db, registry, process, clock

    def engine(self) -> WorkflowEngine:
        return WorkflowEngine(self.db, self.registry, clock=self.clock) if self.clock else \
            WorkflowEngine(self.db, self.registry)

    def start(self, data: dict[str, Any], actor: Actor) -> InstanceView:
        return self.settle(self.engine().start(self.process, data, actor))

    def complete(self, view: InstanceView, task_name: str, actor: Actor, **data: Any) -> InstanceView:
        [task] = [t for t in view.tasks if t.status == "open" and t.task_name == task_name]
        return self.settle(self.engine().complete(task.id, actor, data))

    def settle(self, view: InstanceView) -> InstanceView:
        if view.status == "waiting":
            assert self.restored_ready_tasks(view.id) == {t.id for t in view.tasks if t.status == "open"}
        return self.engine().get(view.id)

    def restored_ready_tasks(self, instance_id: int) -> set[str]:
        serializer, script_engine = StateSerializer(), OpsFlowScriptEngine(self.registry)
        with Session(self.db) as session:
            inst = session.get(ProcessInstance, instance_id)
            specs = serializer.specs_from_json(session.get(ProcessDefinition, inst.definition_id).spec_json)
            open_rows = set(session.scalars(select(HumanTask.id).where(
                HumanTask.instance_id == instance_id, HumanTask.status == "open")))
        restored = serializer.state_from_json(inst.state, specs, script_engine)
        again = serializer.state_from_json(serializer.state_to_json(restored), specs, script_engine)
        assert {str(t.id) for t in again.get_tasks(state=TaskState.READY)} == \
               {str(t.id) for t in restored.get_tasks(state=TaskState.READY)}
        assert again.data == restored.data
        ready = {str(t.id) for t in restored.get_tasks(state=TaskState.READY, manual=True)}
        assert ready == open_rows, "the inbox rows mirror the ready user tasks"
        return ready

    def rows(self, model: type) -> list[Any]:
        with Session(self.db) as session:
            return list(session.scalars(select(model).order_by(model.id)))


def open_names(view: InstanceView) -> list[str]:
    return sorted(t.task_name for t in view.tasks if t.status == "open")
