"""The parsed form of one process definition version."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProcessSpecs:
    """A top-level process spec and the specs of the subprocesses it calls."""

    spec: Any
    subprocess_specs: dict[str, Any] = field(default_factory=dict)
