"""State-only workflow JSON.

SpiffWorkflow's serializer writes the whole process spec into every
instance. Here the spec is serialized once per definition version and an
instance row holds only its task tree and data, which halves the bytes
written per step; restoring takes the already-parsed spec object.
"""
from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import field_crypto
from .scripting import ServiceTask
from .specs import ProcessSpecs
from .workflow import OpsFlowWorkflow

STATE_VERSION = "1.5"
_VERSION_KEY = "serializer_version"


_SETTLED = TaskState.COMPLETED | TaskState.CANCELLED
_UNSTARTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE


def _settled(task: Task) -> bool:
    """Whether the task's serialized form follows from its memo key alone.

    True for a finished task, and for a predicted one that, like its parent, holds no data yet
    (its data delta against the parent is then empty). A long process is mostly such tasks:
    the steps behind it and the steps predicted ahead of it.
    """
    if task._state & _SETTLED:
        return True
    if not task._state & _UNSTARTED or task.data or task.internal_data:
        return False
    parent = task.parent
    return parent is not None and bool(parent._state & _UNSTARTED) and not parent.data


class _WithoutTasks:
    """A workflow seen without its tasks, so that SpiffWorkflow's converter writes every other field."""

    tasks = MappingProxyType({})

    def __init__(self, workflow: Any) -> None:
        self._workflow = workflow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._workflow, name)


class StateSerializer:
    def __init__(self) -> None:
        # OpsFlow's service task in place of Spiff's; both are written as type `ServiceTask`
        config = {ServiceTask if cls is SpiffServiceTask else cls: converter for cls, converter in SPIFF_CONFIG.items()}
        self.registry = BpmnWorkflowSerializer.configure(config)
        self._encode = create_encoder(self.registry)(separators=(",", ":")).encode
        # the registry keeps converters as partials of their bound from_dict
        restore = self.registry.convert_from_dict[self.registry.typenames[BpmnWorkflow]]
        self._workflow_converter = restore.args[0].__self__

    def _dumps(self, build: Any) -> str:
        before, self.registry._encoder_mode = self.registry._encoder_mode, True
        try:
            return self._encode(build())
        finally:
            self.registry._encoder_mode = before

    def specs_to_json(self, specs: ProcessSpecs) -> str:
        return self._dumps(lambda: {
            "spec": self.registry.convert(specs.spec),
            "subprocess_specs": {k: self.registry.convert(v) for k, v in specs.subprocess_specs.items()},
        })

    def specs_from_json(self, text: str) -> ProcessSpecs:
        dct = json.loads(text)
        return ProcessSpecs(
            spec=self.registry.restore(dct["spec"]),
            subprocess_specs={k: self.registry.restore(v) for k, v in dct["subprocess_specs"].items()},
        )

    def state_to_json(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state; the tasks of each (sub)workflow are spliced in as JSON built per task.

        A task's JSON is kept on the task and reused while it is settled (see `_settled`) and its
        memo key is unchanged, so a step encodes only the few tasks it touched.
        """
        conv = self._workflow_converter
        tag = uuid4().hex
        spliced: dict[str, str] = {}

        def fields(wf: Any) -> dict[str, Any]:
            dct = WorkflowConverter.to_dict(conv, _WithoutTasks(wf))
            placeholder = f"{tag}:{len(spliced)}"
            spliced[json.dumps(placeholder)] = self._tasks_json(wf.tasks)
            dct["tasks"] = placeholder
            return dct

        def build() -> dict[str, Any]:
            dct = fields(workflow)  # the base part: no spec
            dct["subprocesses"] = {
                str(sp_id): {**fields(sp), "parent_task_id": str(sp.parent_task_id), "spec": sp.spec.name,
                             "typename": self.registry.typenames[type(sp)]}
                for sp_id, sp in workflow.subprocesses.items()}
            dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
            dct[_VERSION_KEY] = STATE_VERSION
            return dct

        text = self._dumps(build)
        for placeholder, tasks in spliced.items():
            text = text.replace(placeholder, tasks, 1)
        return text

    def _tasks_json(self, tasks: dict[UUID, Task]) -> str:
        parts = []
        for task in tasks.values():
            key = (task._state, task.last_state_change, tuple(task._children), task.triggered)
            memo = getattr(task, "_opsflow_json", None)
            if memo is None or memo[0] != key or not _settled(task):
                memo = (key, f'"{task.id}":{self._dumps(lambda t=task: self.registry.convert(t))}')
                task._opsflow_json = memo
            parts.append(memo[1])
        return "{" + ",".join(parts) + "}"

    def state_from_json(self, text: str, specs: ProcessSpecs, script_engine: Any) -> BpmnWorkflow:
        """`text` as stored: the state of an instance with sensitive fields is encrypted (see `field_crypto`)."""
        if text.startswith(field_crypto.PREFIX):
            text = field_crypto.keyring().decrypt(text)
        dct = json.loads(text)
        version = dct.pop(_VERSION_KEY, STATE_VERSION)
        if version != STATE_VERSION and version in MIGRATIONS:
            MIGRATIONS[version](dct)
        conv = self._workflow_converter
        workflow = OpsFlowWorkflow(specs.spec, specs.subprocess_specs, script_engine=script_engine,
                                deserializing=True)
        workflow.tasks = conv.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        conv.set_default_attributes(workflow, dct)
        conv.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow
