"""SQLite: the online backup API for the copy, a new file swapped in for the restore.

The copy runs inside one read transaction on the source. In WAL mode that transaction is a
snapshot: OpsFlow keeps committing while the pages are copied, none of those commits reach the
copy, and the backup never restarts (without it, SQLite restarts a backup whenever another
connection writes, so on a busy system it might never finish). The copy is therefore the
database as it was at one moment, and everything the manifest says is read from the copy.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, make_url
from sqlalchemy.pool import NullPool

from .errors import BackupError
from .progress import Progress

PAGES_PER_STEP = 256  # 1 MB of 4 KB pages: a step holds no lock writers wait for, so it is only the bar's grain


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or "mode=memory" in url:
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return Path(database).resolve()


def copy_online(source: Path, target: Path, progress: Progress, pages_per_step: int = PAGES_PER_STEP) -> None:
    """Copy the live database page by page into a new file, while OpsFlow goes on writing."""
    if not source.is_file():
        raise BackupError(f"the database {source} does not exist")
    src = sqlite3.connect(source, timeout=30, isolation_level=None)
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts with this read
        progress.start("database pages", src.execute("PRAGMA page_count").fetchone()[0])
        dst = sqlite3.connect(target)
        copied = 0

        def step(_status: int, remaining: int, total: int) -> None:
            nonlocal copied
            progress.advance(total - remaining - copied)
            copied = total - remaining

        try:
            src.backup(dst, pages=pages_per_step, progress=step)
        finally:
            dst.close()
        progress.finish()
    except sqlite3.Error as exc:
        if "full" in str(exc):
            raise BackupError(f"no space left on the file system of {target.parent} for the copy of the database; "
                              f"nothing was kept") from exc
        raise BackupError(f"the database {source} could not be copied: {exc}") from exc
    finally:
        src.close()


@contextmanager
def opened(path: Path) -> Iterator[Connection]:
    """A connection to a database file that is not (yet) the live one, closed without a trace."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def check_copy(path: Path) -> None:
    with opened(path) as conn:
        problems = list(conn.exec_driver_sql("PRAGMA quick_check").scalars())
    if problems != ["ok"]:
        raise BackupError(f"the copy of the database fails SQLite's check: {'; '.join(problems[:3])}")


def settle(path: Path) -> None:
    """Fold the file's write-ahead log into it, so the file alone is the whole database."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        conn.close()
    if busy:
        raise BackupError(f"the database {path} is in use by another program (its write-ahead log is busy): "
                          f"stop OpsFlow's web server and schedulers, then restore again")


def check_not_in_use(live: Path) -> None:
    """Refuse to swap a database file another process is writing; an idle one cannot be told apart."""
    if not live.exists():
        return
    conn = sqlite3.connect(live, timeout=2, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise BackupError(f"the database {live} is being written by another program ({exc}): "
                          f"stop OpsFlow's web server and schedulers, then restore again") from exc
    finally:
        conn.close()
    settle(live)
