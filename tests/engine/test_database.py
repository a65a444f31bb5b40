"""SQLite transactions that read, then write while someone else commits in between."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from engine import write_sessions
from engine.audit import AuditEntry
from engine.clock import utcnow


def _entry(n: int) -> AuditEntry:
    return AuditEntry(at=utcnow(), actor=f"writer {n}", action="note")


def _writers(session: Session) -> list[str]:
    return sorted(session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "note")))


@pytest.fixture
def sqlite_db(db: Engine) -> Engine:
    if db.dialect.name != "sqlite":
        pytest.skip("the snapshot refusal is SQLite's")
    return db


def test_a_reading_transaction_writes_after_another_commits(sqlite_db: Engine) -> None:
    """A form handler reads, the scheduler commits, the handler writes: the write waits its turn, not fails."""
    with Session(sqlite_db) as handler:
        before = handler.scalar(select(func.count()).select_from(AuditEntry))  # its snapshot starts here
        with write_sessions(sqlite_db)() as scheduler, scheduler.begin():
            scheduler.add(_entry(1))
        handler.add(_entry(2))
        handler.commit()
    with Session(sqlite_db) as check:
        assert check.scalar(select(func.count()).select_from(AuditEntry)) == before + 2
        assert _writers(check) == ["writer 1", "writer 2"]


def test_a_transaction_that_already_wrote_is_never_restarted(sqlite_db: Engine) -> None:
    """Restarting after a write would drop it; such a transaction keeps SQLite's own refusal."""
    with Session(sqlite_db) as first:
        first.add(_entry(1))
        first.flush()  # written: holds the write lock
        first.execute(text("SELECT 1"))
        first.add(_entry(2))
        first.commit()
    with Session(sqlite_db) as check:
        assert _writers(check) == ["writer 1", "writer 2"]


def test_a_savepoint_pins_the_transaction(sqlite_db: Engine) -> None:
    """A transaction with a savepoint is not read-only any more: it keeps its snapshot, as before."""
    with Session(sqlite_db) as handler:
        handler.scalar(select(func.count()).select_from(AuditEntry))
        with handler.begin_nested():
            handler.scalar(select(func.count()).select_from(AuditEntry))
        with write_sessions(sqlite_db)() as other, other.begin():
            other.add(_entry(1))
        handler.add(_entry(2))
        with pytest.raises(Exception, match="locked"):
            handler.flush()
