"""The restricted environment in which BPMN scripts and conditions run.

Scripts come from process files that designers upload, so they are compiled
with RestrictedPython: no imports, no names starting with an underscore
(no dunder escapes), builtins from a short safe list, and a time budget that
stops runaway loops. A failure becomes a ScriptError on that instance; it
never takes the server down.
"""
from __future__ import annotations

import ast
import json
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import ScriptError, ServiceError
from .services import ServiceCall, ServiceRegistry

_UNSAFE_BUILTINS = {"setattr", "delattr", "id", "__build_class__", "_getattr_"}
_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE_BUILTINS}
_BUILTINS.update(limited_builtins)
_BUILTINS.update(
    dict=dict, list=list, set=set, frozenset=frozenset, sorted=sorted, sum=sum, min=min, max=max,
    any=any, all=all, enumerate=enumerate, zip=zip, map=map, filter=filter, reversed=reversed,
)

_INPLACE = {
    "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
    "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
}

_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": lambda obj: obj,
    "_inplacevar_": lambda op, a, b: _INPLACE[op](a, b),
}

DEFAULT_TIME_BUDGET = 1.0


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source)
    if result.errors or result.code is None:
        raise ScriptError("script rejected: " + "; ".join(result.errors), {"source": source})
    return result.code


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


def _run_with_budget(code: CodeType, scope: dict[str, Any], budget: float) -> Any:
    deadline = time.monotonic() + budget

    def tracer(frame: Any, event: str, arg: Any) -> Callable[..., Any] | None:
        if time.monotonic() > deadline:
            raise ScriptError(f"script ran longer than {budget:g}s")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return eval(code, scope)  # noqa: S307 - code was compiled by RestrictedPython
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates against the task's data; only plain data survives in it afterwards."""

    def __init__(self, budget: float = DEFAULT_TIME_BUDGET) -> None:
        super().__init__({})
        self.budget = budget

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict | None = None) -> Any:
        scope = {**_GUARDS, **(external_context or {}), **context}
        return _run_with_budget(_compile(expression.strip(), "eval"), scope, self.budget)

    def execute(self, script: str, context: dict[str, Any], external_context: dict | None = None) -> bool:
        scope = {**_GUARDS, **(external_context or {}), **context}
        _run_with_budget(_compile(script, "exec"), scope, self.budget)
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in _GUARDS or (external_context and key in external_context):
                continue
            if callable(value):
                continue
            context[key] = value
        return True


def _step_name(task: Any) -> str:
    """The task's BPMN id; each instance of a multi-instance task adds its key, so each is idempotent on its own."""
    name = task.task_spec.bpmn_id or task.task_spec.name
    key = task.internal_data.get("key_or_index")
    return name if key is None else f"{name}[{key}]"


class OpsFlowScriptEngine(PythonScriptEngine):
    """Script engine that runs service tasks through the registry.

    The runtime sets `call` before running engine steps, so an operation knows
    its instance and writes in the same transaction as the step.
    """

    def __init__(self, registry: ServiceRegistry, budget: float = DEFAULT_TIME_BUDGET) -> None:
        super().__init__(environment=RestrictedEnvironment(budget))
        self.registry = registry
        self.call: ServiceCall | None = None

    def call_service(self, task: Any, operation_name: str = "", operation_params: dict | None = None,
                     **kwargs: Any) -> str:
        op = self.registry.get(operation_name)
        if op is None or self.call is None:
            raise WorkflowTaskException(f"unknown service operation {operation_name!r}", task=task)
        values = {name: p["value"] for name, p in (operation_params or {}).items()}
        call = ServiceCall(
            session=self.call.session, instance_id=self.call.instance_id, task_name=_step_name(task),
            actor=self.call.actor, process_key=self.call.process_key, start_process=self.call.start_process,
            now=self.call.now,
        )
        try:
            with call.session.begin_nested():
                result = op.func(call, op.build_params(values))
        except Exception as exc:
            raise ServiceError(operation_name, exc) from exc
        return json.dumps(result if result is not None else {}, default=str)
