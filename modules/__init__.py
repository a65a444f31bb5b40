"""Business modules and the loader that registers them in dependency order.

Each module is a package with a `MANIFEST` (name, depends, processes) and a
`register(registry)` that adds its service operations. The loader orders
modules by `depends` and fails fast on a cycle, a missing dependency or an
operation registered twice.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeVar

from sqlalchemy import bindparam, select

from engine import AccessPolicy, Prepared, ServiceCall, ServiceRegistry

T = TypeVar("T", bound=Any)

INSTALLED = ("procurement", "finance", "inventory", "sales", "hr", "production", "reports")


@dataclass(frozen=True)
class ProcessAccess:
    """Who may start a process the module owns and who sees its instances (see engine/access.py).

    Principals are group names, `role:<name>` or `*`; whoever takes part in an instance sees it anyway.
    """

    start: tuple[str, ...] = ("*",)
    see_all: tuple[str, ...] = ()
    see_department: tuple[str, ...] = ()  # they see the instances of their own department


@dataclass(frozen=True)
class Manifest:
    name: str
    depends: tuple[str, ...] = ()
    processes: tuple[str, ...] = field(default_factory=tuple)
    access: dict[str, ProcessAccess] = field(default_factory=dict)  # the processes it owns, by key


def made_by_step(call: ServiceCall, model: type[T]) -> T | None:
    """The record this flow step already made, if it ran before: what makes a retried step idempotent.

    Models that a step creates carry the `instance_id` and `task_name` of that step. Every such step asks
    before it writes, and nearly always finds nothing: the question is a prepared statement for the id,
    the record is loaded only when there is one.
    """
    statement = _MADE_BY.get(model)
    if statement is None:
        statement = _MADE_BY[model] = Prepared(select(model.id).where(model.instance_id == bindparam("instance_id"),
                                                                      model.task_name == bindparam("task_name")))
    made = statement.scalar(call.session, {"instance_id": call.instance_id, "task_name": call.task_name})
    return call.session.get(model, made) if made is not None else None


_MADE_BY: dict[type, Prepared] = {}


def _load(names: tuple[str, ...]) -> dict[str, ModuleType]:
    return {name: importlib.import_module(f"modules.{name}") for name in names}


def ordered(names: tuple[str, ...] = INSTALLED) -> list[ModuleType]:
    """Modules sorted so that each comes after everything it depends on."""
    loaded = _load(names)
    result: list[ModuleType] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ValueError("module dependency cycle: " + " -> ".join((*path, name)))
        if name not in loaded:
            raise ValueError(f"module {path[-1]!r} depends on {name!r}, which is not installed")
        state[name] = "visiting"
        for dep in loaded[name].MANIFEST.depends:
            visit(dep, (*path, name))
        state[name] = "done"
        result.append(loaded[name])

    for name in names:
        visit(name, ())
    return result


def declare_access(policy: AccessPolicy, names: tuple[str, ...] = INSTALLED) -> AccessPolicy:
    """The defaults of the processes the modules own; administrators change them on the access screen."""
    for module in ordered(names):
        for key, access in module.MANIFEST.access.items():
            policy.declare_process(key, start=access.start, see_all=access.see_all,
                                   see_department=access.see_department)
    return policy


def register_all(registry: ServiceRegistry, names: tuple[str, ...] = INSTALLED) -> ServiceRegistry:
    for module in ordered(names):
        module.register(registry)
    return registry
