"""How a long backup or restore tells a person it is getting on, without knowing who shows it.

The engine counts its own steps (database pages, dump steps, files); the command line turns
each phase into a progress bar. Tests pass their own to see, or steer, each step.
"""
from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, label: str, total: int) -> None:
        """A new phase begins: `total` steps are coming (an estimate; more may come)."""

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps of the current phase are done."""

    def finish(self) -> None:
        """The current phase is over."""


class NoProgress:
    """Shows nothing: for scripts and tests that do not watch."""

    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


NO_PROGRESS: Progress = NoProgress()
