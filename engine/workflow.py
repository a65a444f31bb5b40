"""OpsFlowWorkflow: SpiffWorkflow's BpmnWorkflow with task look-ups that do not grow with history.

SpiffWorkflow finds ready, waiting or unfinished tasks by walking the task
tree from its root on every engine step (and its iterator pops from the
front of a list), so each step costs more the more steps came before it:
quadratic over a long process. Every task is also kept in the workflow's
`tasks` mapping, so a flat pass over that mapping with the same filter
finds the same tasks at a small, constant cost per task. Only plain filter
queries from the root take this path; anything else (a start task, depth
limits, `end_at_spec`) goes to SpiffWorkflow's own iterator. The same flat
pass answers "is anything left to do" and "which tasks wait".

Messages from other systems arrive here too (`deliver_message`): the
waiting catch event's own event definition builds the event, so
SpiffWorkflow's matching and correlation rules apply unchanged.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

_FILTER_ARGS = frozenset({"state", "updated_ts", "manual", "spec_name", "spec_class", "catches_event", "lane"})


class OpsFlowWorkflow(BpmnWorkflow):
    # whether timer jobs may be pending for this workflow's stored state (None: unknown, ask the jobs table);
    # the job system's after-step hook keeps it (jobs/timers.py)
    timer_jobs: bool | None = None

    def get_tasks_iterator(self, first_task: Any = None, **kwargs: Any) -> Iterator[Any]:
        if first_task is not None or not set(kwargs) <= _FILTER_ARGS:
            return super().get_tasks_iterator(first_task, **kwargs)
        return self._scan(BpmnTaskFilter(**kwargs))

    def _scan(self, task_filter: BpmnTaskFilter) -> Iterator[Any]:
        state = task_filter.state
        # the state test first: most tasks of a long process are finished and fail it
        for task in list(self.tasks.values()):
            if task._state & state and task_filter.matches(task):
                yield task
        for subprocess in list(self.subprocesses.values()):
            for task in list(subprocess.tasks.values()):
                if task._state & state and task_filter.matches(task):
                    yield task

    def is_completed(self) -> bool:
        if not self.completed:
            self.completed = not any(t._state & TaskState.NOT_FINISHED_MASK for t in self.tasks.values())
        return self.completed

    def update_waiting_tasks(self) -> None:
        for task in [t for t in self.tasks.values() if t._state & TaskState.WAITING]:
            task.task_spec._update(task)

    def _message_waits(self, name: str) -> list[Any]:
        return [t for t in self.get_tasks(state=TaskState.WAITING)
                if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
                and t.task_spec.event_definition.name == name]

    def waits_for_message(self, name: str) -> bool:
        return bool(self._message_waits(name))

    def deliver_message(self, name: str, payload: dict[str, Any]) -> str | None:
        """Let the waiting catch event or receive task take the message; the id of the element that took it.

        The payload's fields join the task's data (the instance's, from there on), unless the BPMN names a
        message variable (spiffworkflow:messageVariable), which then holds the whole payload.
        """
        waiting = self._message_waits(name)
        if not waiting:
            return None
        definition = waiting[0].task_spec.event_definition
        correlations = definition.calculate_correlations(self.script_engine, definition.correlation_properties,
                                                         payload)
        try:
            self.send_event(BpmnEvent(definition, payload, correlations))
        except WorkflowException:  # waiting, but for another correlation
            return None
        took = [t for t in waiting if not t._state & TaskState.WAITING]
        for task in took:
            if getattr(definition, "message_var", None) is None:
                task.data.update(payload)
        return (took[0].task_spec.bpmn_id or took[0].task_spec.name) if took else None


def message_start_names(spec: Any) -> frozenset[str]:
    """The messages a process starts on (its message start events)."""
    return frozenset(ts.event_definition.name for ts in spec.task_specs.values()
                     if isinstance(ts, StartEvent) and isinstance(ts.event_definition, MessageEventDefinition))
