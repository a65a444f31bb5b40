"""The registry of service operations that service tasks call.

Business modules register plain functions under `<module>.<verb>_<noun>`
names; each takes a `ServiceCall` (who, which instance, the open database
session) and a frozen dataclass of parameters. Unknown names are caught when
a process is deployed, not when an instance reaches the task.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .clock import utcnow
from .errors import InvalidData

StartProcess = Callable[[str, dict[str, Any], str | None], int]
OPERATION_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9]*_[a-z0-9_]+$")
# the engine's own operations, which belong to no module (`http.request`); no module may be named like them
BUILTIN_NAME = re.compile(r"^(http)\.[a-z]+$")


@dataclass(frozen=True)
class ServiceCall:
    """What an operation knows of its caller; (instance_id, task_name) makes retries idempotent."""

    session: Session
    instance_id: int
    task_name: str
    actor: str
    process_key: str
    # starts another process in this same transaction and returns its instance id:
    # (process key, data, business key) -> id; None where the caller cannot start processes
    start_process: StartProcess | None = None
    # the engine's clock at this step: what an operation stamps its records with, never the wall clock
    now: datetime = field(default_factory=utcnow)
    # the step's own id in the workflow: the same when the step is retried, new on each pass of a loop
    task_id: str = ""


@dataclass(frozen=True)
class Waiting:
    """What an operation returns when its answer comes later (a call sent after the commit, a worker's run).

    The service step then waits (the instance is `waiting`) until `WorkflowEngine.resume_service` gives
    it its result, which then goes on through the same step path as an answer given at once.
    """

    reason: str = ""


VARIABLES = "_variables"  # a result's values for top-level instance variables, beside the result variable
VARIABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def apply_result(data: dict[str, Any], result_variable: str | None, result: Any) -> None:
    """Put an operation's answer into a step's data: under its result variable, and each value of its
    `_variables` (an operation that maps an answer onto the instance's own variables, such as
    `http.request`'s `response_map`) as a top-level variable of its own."""
    if isinstance(result, dict) and isinstance(result.get(VARIABLES), dict):
        result = dict(result)
        for name, value in result.pop(VARIABLES).items():
            if VARIABLE_NAME.match(str(name)) and not str(name).startswith("spiff"):
                data[str(name)] = value
    if result_variable:
        data[result_variable] = result


Operation = Callable[[ServiceCall, Any], "dict[str, Any] | Waiting"]
# hands a step's call to workers elsewhere: (call, operation name, evaluated parameters) -> Waiting
Dispatch = Callable[[ServiceCall, str, dict[str, Any]], Waiting]
# what a module does when an instance of its process is cancelled: (call, the instance's data) -> what it changed
CancelHook = Callable[[ServiceCall, dict[str, Any]], dict[str, Any] | None]
# what a module finds wrong with the data a new instance would start with: (session, data) -> {field: message}
StartCheck = Callable[[Session, dict[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class RegisteredOperation:
    name: str
    func: Operation
    params: type
    reads_only: bool = False  # writes nothing: runs without a savepoint, there is nothing to roll back

    def build_params(self, values: dict[str, Any]) -> Any:
        """Turn evaluated BPMN parameters into the operation's dataclass, naming any bad field."""
        fields = {f.name: f for f in dataclasses.fields(self.params)}
        unknown = sorted(set(values) - set(fields))
        errors = {name: f"unknown parameter for {self.name}" for name in unknown}
        for name, f in fields.items():
            no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if name not in values and no_default:
                errors[name] = f"required by {self.name}"
        if errors:
            raise InvalidData(errors)
        return self.params(**values)


class ServiceRegistry:
    def __init__(self) -> None:
        self._operations: dict[str, RegisteredOperation] = {}
        self._cancel_hooks: dict[str, list[CancelHook]] = {}
        self._start_checks: dict[str, list[StartCheck]] = {}
        # None: every operation runs in the step (inline, the default); set, operations run on workers
        self.dispatch: Dispatch | None = None

    def register(self, name: str, func: Operation, params: type, *, builtin: bool = False,
                 reads_only: bool = False) -> None:
        """`builtin`: one of the engine's own operations (`http.request`), named `<kind>.<verb>`.
        `reads_only`: the operation writes nothing (a check), so a step runs it without the savepoint
        that otherwise takes back a failed operation's writes."""
        if builtin and not BUILTIN_NAME.match(name):
            raise ValueError(f"built-in operation {name!r} must look like http.<verb>")
        if not builtin and (not OPERATION_NAME.match(name) or name.split(".")[0] == "http"):
            raise ValueError(f"operation name {name!r} must look like <module>.<verb>_<noun>")
        if name in self._operations:
            raise ValueError(f"operation {name!r} is registered twice")
        if not dataclasses.is_dataclass(params):
            raise TypeError(f"parameters of {name!r} must be a dataclass")
        self._operations[name] = RegisteredOperation(name, func, params, reads_only)

    def on_cancel(self, process_key: str, hook: CancelHook) -> None:
        """Run `hook` in the cancelling transaction when someone cancels an instance of `process_key`.

        A cancelled instance runs no more BPMN, so this is how a module tidies what the flow left
        half-done (a supplier still pending) without the engine knowing any module.
        """
        self._cancel_hooks.setdefault(process_key, []).append(hook)

    def cancel_hooks(self, process_key: str) -> list[CancelHook]:
        return list(self._cancel_hooks.get(process_key, ()))

    def on_start(self, process_key: str, check: StartCheck) -> None:
        """Let `check` refuse a start of `process_key` whose data names records that are not there.

        A form can say a field is required; only the module knows whether employee E-0042 exists.
        Refused, the start writes nothing and the person sees the field named, instead of an
        instance that fails at its first service task.
        """
        self._start_checks.setdefault(process_key, []).append(check)

    def start_problems(self, session: Session, process_key: str, data: dict[str, Any]) -> dict[str, str]:
        problems: dict[str, str] = {}
        for check in self._start_checks.get(process_key, ()):
            problems.update(check(session, data))
        return problems

    def get(self, name: str) -> RegisteredOperation | None:
        return self._operations.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._operations

    def names(self) -> list[str]:
        return sorted(self._operations)
