"""The write floor: what the statements of a persisted run cost through the bare sqlite3 driver.

It answers how close to raw in-memory SpiffWorkflow a persisted engine could
come at all. The engine's statements, with the parameters SQLAlchemy handed
the driver, are recorded over some lifecycles and then replayed through
`sqlite3` on a copy of the database taken just before, so the replay writes
the same rows into the same pages (same ids, same index entries, same WAL
frames) with none of the engine's or SQLAlchemy's Python around them.
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from engine import WorkflowEngine

Statement = tuple[str, Any, bool]  # SQL, parameters, executemany
_TABLES = ("process_instances", "human_tasks", "events")


def _record(db: Engine, work: Callable[[], None]) -> list[Statement]:
    log: list[Statement] = []

    def executed(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        log.append((sql, params, many))

    def begun(conn: Any) -> None:
        log.append(("BEGIN IMMEDIATE", (), False))

    def committed(_conn: Any) -> None:
        log.append(("COMMIT", (), False))

    hooks = (("before_cursor_execute", executed), ("begin", begun), ("commit", committed))
    for name, fn in hooks:
        event.listen(db, name, fn)
    try:
        work()
    finally:
        for name, fn in hooks:
            event.remove(db, name, fn)
    return log


def _counts(conn: sqlite3.Connection) -> list[int]:
    return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _TABLES]  # noqa: S608


def write_floor(eng: WorkflowEngine, db_file: Path, run_one: Callable[[int], None], n: int) -> float:
    """Seconds per run of the bare-driver replay of `run_one`'s statements (same pragmas as the engine)."""
    copy = db_file.with_name("floor.db")
    with eng.db.connect() as conn:
        source = conn.connection.dbapi_connection
        target = sqlite3.connect(copy)
        source.backup(target)
        target.close()
    log = _record(eng.db, lambda: [run_one(10_000_000 + i) for i in range(n)])
    replay = sqlite3.connect(copy, isolation_level=None)
    synchronous = os.environ.get("OPSFLOW_SQLITE_SYNCHRONOUS", "NORMAL")
    for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "foreign_keys=ON"):
        replay.execute(f"PRAGMA {pragma}")
    start = time.perf_counter()
    for sql, params, many in log:
        if many:
            replay.executemany(sql, params)
        else:
            replay.execute(sql, params).fetchall()
    spent = time.perf_counter() - start
    with eng.db.connect() as conn:
        expected = _counts(conn.connection.dbapi_connection)
    if _counts(replay) != expected:  # the replay must have written what the engine wrote
        raise AssertionError(f"replay wrote {_counts(replay)} rows, the engine {expected}")
    replay.close()
    return spent / n
