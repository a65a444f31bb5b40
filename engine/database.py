"""Database engines configured the way the engine needs them.

SQLite (embedded default): WAL, foreign keys on, `synchronous=NORMAL` (a
power cut may lose the last committed steps but never corrupts the file;
set OPSFLOW_SQLITE_SYNCHRONOUS=FULL to trade speed for that), a busy timeout,
and `BEGIN IMMEDIATE` for the engine's write transactions so that two
writers queue instead of failing on a stale snapshot. Any other transaction
that has only read when it first writes is restarted as `BEGIN IMMEDIATE`
right before that write (see `_upgrade_before_first_write`).
PostgreSQL (scale-out): a connection pool with pre-ping.
"""
from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "opsflow_write"
_STALE_TABLES = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
    " AND relname IN ('human_tasks', 'process_instances')"
    " AND n_mod_since_analyze > 1000 AND n_mod_since_analyze > 0.05 * n_live_tup ORDER BY relname")


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True}


class _HintingSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler, writing the table hints of `Select.with_hint(..., "sqlite")` (`INDEXED BY …`)
    that SQLAlchemy's own leaves out: a query that must walk one index says so (`tasks.in_queue_order`)."""

    def get_from_hint_text(self, table: Any, text: str) -> str:
        return text


def configure_engine(engine: Engine) -> Engine:
    """Attach the SQLite pragmas, transaction mode and index hints; a no-op on other databases."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_opsflow_configured", False):
        return engine
    engine.dialect.statement_compiler = _HintingSQLiteCompiler
    synchronous = os.environ.get("OPSFLOW_SQLITE_SYNCHRONOUS", "NORMAL")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # straight to the driver: the statement needs none of SQLAlchemy's execution machinery
        write = conn.get_execution_options().get(WRITE_OPTION)
        conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        conn.info[_TRANSACTION] = "written" if write else "reading"

    event.listen(engine, "before_cursor_execute", _upgrade_before_first_write)

    engine._opsflow_configured = True  # type: ignore[attr-defined]
    return engine


_TRANSACTION = "opsflow_transaction"
_READS = ("SELECT", "WITH")
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _upgrade_before_first_write(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """Restart a transaction that has only read as `BEGIN IMMEDIATE` just before its first write.

    In WAL mode a deferred transaction keeps the snapshot of its first read; if anyone commits
    before it writes, SQLite refuses the write at once ("database is locked") and no busy timeout
    helps. A form handler reads (the signed-in user, the record) and then writes, while the
    embedded scheduler commits every few seconds: such requests failed at random. Restarting
    costs nothing (nothing was written yet) and makes the write wait its turn; what was read
    before stays read from the earlier snapshot, which is PostgreSQL's READ COMMITTED, the
    level the code already runs at there. A transaction that did anything but read (DDL,
    savepoints, pragmas) is left alone.
    """
    state = conn.info.get(_TRANSACTION)
    if state != "reading":
        return
    head = statement.lstrip()[:8].upper()
    if head.startswith(_READS):
        return
    conn.info[_TRANSACTION] = "written"
    if head.startswith(_WRITES):
        raw = conn.connection.dbapi_connection
        raw.execute("ROLLBACK")
        raw.execute("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    return configure_engine(create_engine(url, **engine_options(url)))


def write_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transactions take the write lock up front (SQLite) or run normally."""
    return sessionmaker(bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)


def read_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def refresh_statistics(engine: Engine) -> None:
    """Let the planner know the tables' shapes.

    SQLite: without statistics it may read the inbox through an index that makes
    it sort every open task. The analysis samples a bounded number of rows
    per index, so it stays cheap on a large database; the scheduler repeats it.
    The inbox names its index besides (`tasks.in_queue_order`), as sampled
    statistics can mislead too.
    PostgreSQL: autovacuum analyzes a table once a tenth of it changed, which
    leaves a new or fast-growing task table planned from figures of a much
    smaller one (a page of a 100,000-task queue took 0.5-0.9 s, every open task
    sorted): the task and instance tables are analyzed here when more than
    1,000 rows and 5% of them changed since their last analysis.
    """
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in conn.execute(_STALE_TABLES).scalars().all():
                conn.exec_driver_sql(f"ANALYZE {table}")
        return
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE")
