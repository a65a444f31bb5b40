"""SpiffWorkflow's timers on the engine's clock.

SpiffWorkflow's timer event definitions read the wall clock themselves
(`datetime.now(timezone.utc)` in `SpiffWorkflow.bpmn.specs.event_definitions.timer`).
Rather than fork them, `spiff_clock(clock)` makes that module's `datetime`
answer `now()` from the engine's clock for the duration of one step: the module
global is replaced once by a `datetime` subclass that consults a context
variable and falls back to the wall clock when no engine clock is set. So a
test or the scheduler decides what time it is, and nothing sleeps.

It is the kernel's: every step runs under it, whether or not a job system turns
the timers a workflow waits on into jobs (`jobs/timers.py` does).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("opsflow_spiff_clock", default=None)


class _EngineDatetime(datetime):
    """`datetime` whose `now()` is the engine's clock while `spiff_clock` is active."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _clock.get()
        if clock is None:
            return datetime.now(tz)
        aware = clock().replace(tzinfo=UTC)
        return aware.astimezone(tz) if tz is not None else aware.astimezone().replace(tzinfo=None)


def install() -> None:
    """Point SpiffWorkflow's timer module at `_EngineDatetime` (idempotent)."""
    spiff_timer.datetime = _EngineDatetime  # type: ignore[misc]


install()


@contextmanager
def spiff_clock(clock: Callable[[], datetime]) -> Iterator[None]:
    """Within this block SpiffWorkflow's timers read `clock` (naive UTC) instead of the wall clock."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)
