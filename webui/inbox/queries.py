"""The inbox's four lists and their counts, each one indexed query on human_tasks.

The queues and who may see what come from the engine (`queue_filter`, and
the workplace's "delegated by me"); this module filters, sorts, counts and
pages them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, defer

from engine import Actor, HumanTask, ProcessInstance, TaskView, Workplace, in_queue_order, queue_filter, task_view

from .filters import Filters, conditions, order

TABS = ("mine", "group", "delegated", "done")
SORTS_OF_THEIR_OWN = frozenset({"priority", "age", "process"})  # each walks an index of its own order
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


def tab_filter(actor: Actor, tab: str) -> ColumnElement[bool]:
    if tab == "delegated":
        return Workplace.delegated_filter(actor)
    return queue_filter(actor, tab)


def _base(actor: Actor, tab: str, filters: Filters | None) -> Any:
    wanted = conditions(filters) if filters else []
    query = (select(HumanTask, ProcessInstance).options(defer(ProcessInstance.state))  # a list shows no state
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))
    return query.where(tab_filter(actor, tab), *wanted)


def count(session: Session, actor: Actor, tab: str, filters: Filters | None = None) -> int:
    if filters is None or not filters.active:
        query = select(func.count()).select_from(HumanTask).where(tab_filter(actor, tab))
    else:
        query = select(func.count()).select_from(_base(actor, tab, filters).subquery())
    return session.scalar(query) or 0


def counts(session: Session, actor: Actor, filters: Filters | None = None) -> dict[str, int]:
    """Every tab's count; unfiltered, in one statement (each count still walks its own index)."""
    if filters is not None and filters.active:
        return {tab: count(session, actor, tab, filters) for tab in TABS}
    each = [select(func.count()).select_from(HumanTask).where(tab_filter(actor, tab)).scalar_subquery()
            for tab in TABS]
    return dict(zip(TABS, session.execute(select(*each)).one(), strict=True))


def open_count(session: Session, actor: Actor) -> int:
    """What the nav badge shows: every task the actor could act on now (the inbox's unfiltered "mine" and
    "group" counts add up to it: a task is either assigned or in a group's queue)."""
    query = select(func.count()).select_from(HumanTask).where(or_(queue_filter(actor, "mine"),
                                                                  queue_filter(actor, "group")))
    return session.scalar(query) or 0


def page_query(actor: Actor, tab: str, filters: Filters, number: int) -> Any:
    query = (_base(actor, tab, filters).order_by(*order(filters, tab))
             .limit(PAGE_SIZE).offset((max(number, 1) - 1) * PAGE_SIZE))
    # a group's queue by due date walks the queue index whatever the statistics say (mine is few rows by
    # assignee: its own index finds them)
    return in_queue_order(query) if tab == "group" and filters.sort not in SORTS_OF_THEIR_OWN else query


def page(session: Session, actor: Actor, tab: str, number: int, total: int,
         filters: Filters | None = None) -> InboxPage:
    filters = filters or Filters()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(number, 1), pages)
    rows = [InboxRow(task_view(task, inst), inst.summary or {})
            for task, inst in session.execute(page_query(actor, tab, filters, number))]
    return InboxPage(tab=tab, rows=rows, page=number, pages=pages, total=total)


def all_rows(session: Session, actor: Actor, tab: str, filters: Filters, limit: int = 10000) -> list[InboxRow]:
    """Every row of the list (up to `limit`), for the Excel export."""
    query = _base(actor, tab, filters).order_by(*order(filters, tab)).limit(limit)
    return [InboxRow(task_view(task, inst), inst.summary or {}) for task, inst in session.execute(query)]


def rows_from(session: Session, actor: Actor, tab: str, filters: Filters, offset: int, limit: int) -> list[InboxRow]:
    """`limit` rows of the list from `offset`, for a client paging by cursor (the API)."""
    query = _base(actor, tab, filters).order_by(*order(filters, tab)).offset(offset).limit(limit)
    return [InboxRow(task_view(task, inst), inst.summary or {}) for task, inst in session.execute(query)]
