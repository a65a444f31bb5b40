"""The restricted environment in which BPMN scripts and conditions run, and the script engine around it.

Scripts come from process files that designers upload, so they are compiled with RestrictedPython
(`restricted.py`: no imports, no underscore names, safe builtins). Code that is cheap by
construction (`cheap_code.py`: a condition such as `amount > 5000`) runs in this process; any
other script runs in a sandbox process (`sandbox.py`) under hard limits of time and memory, which
hold whatever the script does. What a script leaves in the instance must be plain data within
`ScriptLimits.data`. A failure becomes an error of that instance naming the element and the limit;
it never takes the server down, nor holds the database's write lock past the time limit.
"""
from __future__ import annotations

import ast
import json
from contextlib import nullcontext
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask

from ..errors import ScriptError, ServiceError
from ..services import ServiceCall, ServiceRegistry, Waiting, apply_result
from . import sandbox
from .cheap_code import CheapCode, compile_cheap
from .limits import ScriptLimits
from .restricted import Refused, compile_restricted


@lru_cache(maxsize=4096)
def _names(source: str, mode: str) -> tuple[str, ...]:
    """Every name the code mentions: with no globals() nor vars(), the only data it can read."""
    return tuple({n.id for n in ast.walk(ast.parse(source, mode=mode)) if isinstance(n, ast.Name)})


def _compile(source: str, mode: str) -> None:
    try:
        compile_restricted(source, mode)
    except Refused as exc:
        raise ScriptError(str(exc), {"source": source}) from None


def check_source(source: str, mode: str = "exec") -> list[str]:
    """Errors the restricted compiler finds, so a deploy can reject a bad script up front.

    RestrictedPython compiles `import` and only fails it at run time; we refuse it here already.
    """
    try:
        _compile(source, mode)
    except ScriptError as exc:
        return [exc.message]
    except SyntaxError as exc:
        return [f"syntax error: {exc}"]
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(ast.parse(source, mode=mode))):
        return ["imports are not allowed in scripts"]
    return []


@lru_cache(maxsize=4096)
def _prepare(source: str, mode: str, limit: int) -> CheapCode | None:
    """Refuse what deploy refuses; the code to run in process, or None when it goes to the sandbox."""
    errors = check_source(source, mode)
    if errors:
        raise ScriptError(errors[0], {"source": source})
    return compile_cheap(source, mode, limit)


def _inputs(source: str, mode: str, context: dict[str, Any],
            external: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    names = _names(source, mode)
    data = {n: context[n] for n in names if n in context}
    return data, {n: external[n] for n in names if external and n in external and n not in data}


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates against the task's data; only plain data survives in it afterwards."""

    def __init__(self, limits: ScriptLimits | None = None) -> None:
        super().__init__({})
        self.limits = limits or ScriptLimits()

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict | None = None) -> Any:
        source = expression.strip()
        cheap = _prepare(source, "eval", self.limits.data)
        if cheap is not None:
            return cheap.evaluate(context, external_context)
        return sandbox.evaluate(source, *_inputs(source, "eval", context, external_context), self.limits)

    def execute(self, script: str, context: dict[str, Any], external_context: dict | None = None) -> bool:
        cheap = _prepare(script, "exec", self.limits.data)
        if cheap is not None:
            cheap.execute(context, external_context)
            return True
        changed, deleted = sandbox.execute(script, *_inputs(script, "exec", context, external_context), self.limits)
        for name in deleted:
            context.pop(name, None)
        context.update(changed)
        return True


def _step_name(task: Any) -> str:
    """The task's BPMN id; each instance of a multi-instance task adds its key, so each is idempotent on its own."""
    name = task.task_spec.bpmn_id or task.task_spec.name
    key = task.internal_data.get("key_or_index")
    return name if key is None else f"{name}[{key}]"


def _name_the_element(exc: WorkflowTaskException, task: Any, what: str) -> None:
    """A broken limit or rule, said with the element it happened in: `script of 'run_it': ...`."""
    cause = exc.__context__
    if isinstance(cause, ScriptError):
        exc.args = (f"{what} of {_step_name(task)!r}: {cause.message}",)
        exc.notes = []


class OpsFlowScriptEngine(PythonScriptEngine):
    """Script engine that runs service tasks through the registry.

    The runtime sets `call` before running engine steps, so an operation knows
    its instance and writes in the same transaction as the step.
    """

    def __init__(self, registry: ServiceRegistry, limits: ScriptLimits | None = None) -> None:
        super().__init__(environment=RestrictedEnvironment(limits))
        self.registry = registry
        self.call: ServiceCall | None = None

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as exc:
            _name_the_element(exc, task, f"expression {expression.strip()!r}")
            raise

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        try:
            return super().execute(task, script, external_context)
        except WorkflowTaskException as exc:
            _name_the_element(exc, task, "script")
            raise

    def get_error_line_number_and_content(self, script: str, err: Exception) -> tuple[int, str]:
        """A script that failed in the sandbox has no traceback here; the sandbox sent its line."""
        line = getattr(err, "script_line", None)
        lines = script.splitlines()
        if isinstance(line, int) and 0 < line <= len(lines):
            return line, lines[line - 1]
        return super().get_error_line_number_and_content(script, err)

    def call_service(self, task: Any, operation_name: str = "", operation_params: dict | None = None,
                     **kwargs: Any) -> str | Waiting:
        op = self.registry.get(operation_name)
        if op is None or self.call is None:
            raise WorkflowTaskException(f"unknown service operation {operation_name!r}", task=task)
        values = {name: p["value"] for name, p in (operation_params or {}).items()}
        call = ServiceCall(
            session=self.call.session, instance_id=self.call.instance_id, task_name=_step_name(task),
            actor=self.call.actor, process_key=self.call.process_key, start_process=self.call.start_process,
            now=self.call.now, task_id=str(task.id),
        )
        # a check that writes nothing needs no savepoint; anything sent to a worker keeps one (its outbox row)
        undo = nullcontext() if op.reads_only and self.registry.dispatch is None else call.session.begin_nested()
        try:
            with undo:
                params = op.build_params(values)  # a bad parameter fails here, wherever the operation runs
                if self.registry.dispatch is not None:
                    return self.registry.dispatch(call, operation_name, values)
                result = op.func(call, params)
        except Exception as exc:
            raise ServiceError(operation_name, exc) from exc
        if isinstance(result, Waiting):
            return result
        return json.dumps(result if result is not None else {}, default=str)


class ServiceTask(SpiffServiceTask):
    """Spiff's service task, except that an operation answering `Waiting` leaves the task STARTED.

    It keeps Spiff's class name, so the serializer reads and writes it under the same type name and
    every spec stored before it existed loads as this class.
    """

    def _execute(self, task: Any) -> bool | None:
        result = task.workflow.script_engine.call_service(task, operation_name=self.operation_name,
                                                          operation_params=self.evaluate_params(task))
        if isinstance(result, Waiting):
            return None  # STARTED: the engine completes it when the answer comes (`resume_service`)
        apply_result(task.data, self.result_variable, json.loads(result))
        return True
