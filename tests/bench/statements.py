"""Counting what a request costs the database: statements and commits, by SQLAlchemy's own events.

Used by the statement budgets (tests/webui/test_statement_budgets.py) and the request profile
(tests/bench/request_profile.py), so both count the same way.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class Count:
    statements: int = 0
    commits: int = 0
    texts: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.statements} statements, {self.commits} commits:\n  " + "\n  ".join(self.texts)


@contextmanager
def counting(engine: Engine) -> Iterator[Count]:
    """Every statement sent to the driver and every commit, while the block runs."""
    count = Count()

    def statement(conn: Any, cursor: Any, text: str, params: Any, context: Any, many: bool) -> None:
        count.statements += 1
        count.texts.append(" ".join(text.split())[:160])

    def commit(conn: Any) -> None:
        count.commits += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
