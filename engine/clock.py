"""One place that says what time it is, so tests and the scheduler can move it."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no zone, so every stored time is UTC without one."""
    return datetime.now(UTC).replace(tzinfo=None)


def aware_utcnow() -> datetime:
    """The same moment with its zone, for libraries that schedule in real time (APScheduler's next run)."""
    return datetime.now(UTC)
