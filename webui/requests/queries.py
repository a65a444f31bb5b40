""""My requests": the instances a person started, newest first, one indexed query."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import ProcessInstance

PAGE_SIZE = 50


@dataclass(frozen=True)
class RequestPage:
    rows: list[ProcessInstance]
    page: int
    pages: int
    total: int


def started_by(session: Session, username: str, number: int) -> RequestPage:
    where = ProcessInstance.started_by == username
    total = session.scalar(select(func.count()).select_from(ProcessInstance).where(where)) or 0
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(number, 1), pages)
    rows = list(session.scalars(select(ProcessInstance).where(where)
                                .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc())
                                .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)))
    return RequestPage(rows=rows, page=number, pages=pages, total=total)
