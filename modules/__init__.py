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

from engine import ServiceRegistry

INSTALLED = ("procurement", "finance", "inventory", "sales", "hr", "production")


@dataclass(frozen=True)
class Manifest:
    name: str
    depends: tuple[str, ...] = ()
    processes: tuple[str, ...] = field(default_factory=tuple)


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
