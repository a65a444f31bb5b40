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

from sqlalchemy import select

from engine import ServiceCall, ServiceRegistry

T = TypeVar("T", bound=Any)

INSTALLED = ("procurement", "finance", "inventory", "sales", "hr", "production")


@dataclass(frozen=True)
class Manifest:
    name: str
    depends: tuple[str, ...] = ()
    processes: tuple[str, ...] = field(default_factory=tuple)


def made_by_step(call: ServiceCall, model: type[T]) -> T | None:
    """The record this flow step already made, if it ran before: what makes a retried step idempotent.

    Models that a step creates carry the `instance_id` and `task_name` of that step.
    """
    return call.session.scalar(select(model).where(model.instance_id == call.instance_id,
                                                   model.task_name == call.task_name))


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


def register_all(registry: ServiceRegistry, names: tuple[str, ...] = INSTALLED) -> ServiceRegistry:
    for module in ordered(names):
        module.register(registry)
    return registry
