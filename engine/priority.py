"""Task priority: a BPMN user-task property (`priority`) stored as a rank so the inbox can sort on an index."""
from __future__ import annotations

PRIORITIES = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
NAMES = {rank: name for name, rank in PRIORITIES.items()}
DEFAULT = PRIORITIES["normal"]


def problem(name: str | None) -> str | None:
    """What is wrong with a priority property's value, for deploy-time validation (None: nothing)."""
    if name and name.strip().lower() not in PRIORITIES:
        return f"priority must be one of {', '.join(PRIORITIES)}, not {name!r}"
    return None


def rank(name: str | None) -> int:
    """The stored rank of a priority name; no property (or one validation let through) means "normal".

    A running instance must never fail on a label, so an unknown value falls back rather than raising;
    `problem` is what deploy-time validation should report.
    """
    return PRIORITIES.get((name or "").strip().lower(), DEFAULT)


def name(value: int | None) -> str:
    return NAMES.get(value or DEFAULT, "normal")
