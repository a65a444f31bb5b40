"""The inbox's three lists and their counts, each one indexed query on human_tasks.

The queues and who may see what come from the engine (`queue_filter`);
this module only counts and pages them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine import QUEUES, Actor, HumanTask, ProcessInstance, TaskView, queue_filter, task_view

TABS = QUEUES
PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxRow:
    """A task with its instance's summary, so an approver sees the amount before opening it."""

    task: TaskView
    summary: dict[str, Any]


@dataclass(frozen=True)
class InboxPage:
    tab: str
    rows: list[InboxRow]
    page: int
    pages: int
    total: int


def counts(session: Session, actor: Actor) -> dict[str, int]:
    return {tab: session.scalar(select(func.count()).select_from(HumanTask).where(queue_filter(actor, tab))) or 0
            for tab in TABS}


def open_count(session: Session, actor: Actor) -> int:
    """What the nav badge shows: every task the actor could act on now."""
    query = select(func.count()).select_from(HumanTask).where(or_(queue_filter(actor, "mine"),
                                                                  queue_filter(actor, "group")))
    return session.scalar(query) or 0


def page(session: Session, actor: Actor, tab: str, number: int, total: int) -> InboxPage:
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(number, 1), pages)
    order: list[Any] = ([HumanTask.completed_at.desc(), HumanTask.id] if tab == "done" else
                        [HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id])
    query = (select(HumanTask, ProcessInstance)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .where(queue_filter(actor, tab)).order_by(*order)
             .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE))
    rows = [InboxRow(task_view(task, inst), inst.summary or {}) for task, inst in session.execute(query)]
    return InboxPage(tab=tab, rows=rows, page=number, pages=pages, total=total)
