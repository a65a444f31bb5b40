"""Plain frozen values that cross the engine's boundary: who acts, and what they see."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# the network address the current request comes from (the web layer sets it): every event and audit row keeps it
ADDRESS: ContextVar[str | None] = ContextVar("opsflow_address", default=None)


@dataclass(frozen=True)
class Actor:
    """Whoever acts: a person, an API client or the system; the engine never sees a web session."""

    username: str
    groups: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    department: str | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def decides_any_task(self) -> bool:
        """The scheduler acting on a rule: may complete any open task, and is recorded under its own name."""
        return "system" in self.roles


SYSTEM = Actor("system", roles=frozenset({"admin"}))


@dataclass(frozen=True)
class TaskView:
    id: str
    title: str
    process: str
    instance_id: int
    task_name: str
    candidate_group: str | None
    assignee: str | None
    status: str
    form: str | None
    created_at: datetime
    due_at: datetime | None
    claimed_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    outcome: str | None = None
    comment: str | None = None
    lane: str | None = None
    excluded_user: str | None = None
    business_key: str | None = None
    started_by: str | None = None
    priority: str = "normal"


@dataclass(frozen=True)
class EventView:
    id: int
    kind: str
    actor: str
    at: datetime
    task_id: str | None
    task_name: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class InstanceView:
    id: int
    process: str
    process_name: str
    version: int
    status: str
    business_key: str | None
    started_by: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    data: dict[str, Any]
    error_message: str | None = None
    error_task: str | None = None
    tasks: list[TaskView] = field(default_factory=list)
    history: list[EventView] = field(default_factory=list)
    revision: int = 0  # counts the instance's changes: a command may name the one it saw (optimistic concurrency)
