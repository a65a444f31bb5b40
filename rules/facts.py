"""Named fact providers: where a rule's inputs come from besides the instance's own data.

Rules may not import business modules, so a module (or the app's wiring) registers a
provider under a stable name: `facts.register("supplier_rating", rating_of)`. A provider
takes the task's `FactContext` and returns the value, or None when it does not know.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .evaluation import MISSING


@dataclass(frozen=True)
class FactContext:
    process_key: str
    task_name: str
    instance_id: int
    requester: str
    data: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[FactContext], Any]


class FactProviders:
    def __init__(self) -> None:
        self._providers: dict[str, Provider] = {}

    def register(self, name: str, provider: Provider) -> None:
        if name in self._providers:
            raise ValueError(f"fact provider {name!r} is already registered")
        self._providers[name] = provider

    def names(self) -> list[str]:
        return sorted(self._providers)

    def lookup(self, ctx: FactContext) -> Callable[[str], Any]:
        """Facts for one task: a registered provider first, else the instance's data; MISSING if neither."""
        cache: dict[str, Any] = {}

        def fact(name: str) -> Any:
            if name not in cache:
                cache[name] = self._value(name, ctx)
            return cache[name]

        return fact

    def _value(self, name: str, ctx: FactContext) -> Any:
        provider = self._providers.get(name)
        if provider is not None:
            try:
                value = provider(ctx)
            except LookupError:
                value = None
            return MISSING if value is None else value
        if name == "requester":
            return ctx.requester
        value = ctx.data.get(name)
        return MISSING if value is None else value
