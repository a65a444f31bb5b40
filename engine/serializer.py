"""State-only workflow JSON.

SpiffWorkflow's serializer writes the whole process spec into every
instance. Here the spec is serialized once per definition version and an
instance row holds only its task tree and data, which halves the bytes
written per step; restoring takes the already-parsed spec object.
"""
from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .specs import ProcessSpecs
from .workflow import OpsFlowWorkflow

STATE_VERSION = "1.5"
_VERSION_KEY = "serializer_version"


class _FinishedTaskConverter(TaskConverter):
    """Converts a completed or cancelled task once per live workflow, not at every step.

    Such a task no longer changes, yet a long process holds more of them at
    every step; re-converting them all made each step cost more than the last.
    The memo is keyed on everything a finished task could still see change.
    """

    def to_dict(self, task: Task) -> dict[str, Any]:
        if not task.state & (TaskState.COMPLETED | TaskState.CANCELLED):
            return super().to_dict(task)
        key = (task.state, task.last_state_change, tuple(task._children), task.triggered)
        memo = getattr(task, "_opsflow_memo", None)
        if memo is None or memo[0] != key:
            memo = (key, super().to_dict(task))
            task._opsflow_memo = memo
        return memo[1]


class StateSerializer:
    def __init__(self) -> None:
        self.registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
        _FinishedTaskConverter(Task, self.registry)
        self._encoder = create_encoder(self.registry)
        # the registry keeps converters as partials of their bound from_dict
        restore = self.registry.convert_from_dict[self.registry.typenames[BpmnWorkflow]]
        self._workflow_converter = restore.args[0].__self__

    def _dumps(self, build: Any) -> str:
        self.registry._encoder_mode = True
        try:
            return json.dumps(build(), cls=self._encoder, separators=(",", ":"))
        finally:
            self.registry._encoder_mode = False

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
        conv = self._workflow_converter

        def build() -> dict[str, Any]:
            dct = WorkflowConverter.to_dict(conv, workflow)  # the base part: no spec
            dct["subprocesses"] = conv.mapping_to_dict(workflow.subprocesses)
            dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
            dct[_VERSION_KEY] = STATE_VERSION
            return dct

        return self._dumps(build)

    def state_from_json(self, text: str, specs: ProcessSpecs, script_engine: Any) -> BpmnWorkflow:
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
