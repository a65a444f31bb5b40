"""PostgreSQL: pg_dump of one snapshot; pg_restore into a fresh database, renamed into place.

The dump runs in a snapshot exported by a repeatable-read transaction that also counts the rows
and reads the schema revision, so the manifest describes exactly the rows in the dump while
OpsFlow goes on writing.

A restore never writes into the configured database. It creates a new one beside it, restores
the dump there (pg_restore creates every table, loads its rows, then adds its indexes,
constraints and triggers, so the append-only triggers of `audit_log` and `events` are recreated
with their rows and never asked to let a DELETE through), checks it and brings its schema up to
date, and only then renames the configured database to `<name>_before_restore_<time>` and the
new one to `<name>`. A backup of an older schema therefore meets no table of a newer one, and a
restore that fails at any step leaves the configured database untouched.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from . import pg_tools
from .errors import BackupError
from .progress import Progress

MAX_NAME = 63  # PostgreSQL's limit on a database name


def _engine(url: URL | str) -> Engine:
    return create_engine(url, poolclass=NullPool)


@contextmanager
def snapshot(url: str) -> Iterator[tuple[Connection, str]]:
    """A read-only transaction whose snapshot pg_dump --snapshot shares, open until the dump is done."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn, conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
    except DBAPIError as exc:
        raise BackupError(f"PostgreSQL refused the backup's snapshot: {exc.orig}") from exc
    finally:
        engine.dispose()


def dump(url: str, snapshot_id: str, target: Path, tables: int, progress: Progress) -> None:
    parsed = make_url(url)
    args = [pg_tools.tool("pg_dump"), "--format=custom", "--verbose", "--no-password",
            f"--snapshot={snapshot_id}", f"--file={target}", f"--dbname={pg_tools.conninfo(parsed)}"]
    pg_tools.run_verbose(args, parsed, progress, "pg_dump tables", tables,
                         lambda line: line.startswith("pg_dump: dumping contents of table"))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class FreshDatabase:
    """The database a restore fills beside the configured one, and the renames that put it in place."""

    def __init__(self, url: str, token: str) -> None:
        self.live = make_url(url)
        if not self.live.database:
            raise BackupError("DATABASE_URL names no database to restore into")
        self.name = f"{self.live.database[:MAX_NAME - 18]}_restoring_{token}"[:MAX_NAME]
        self.created = False

    @property
    def url(self) -> str:
        return self.live.set(database=self.name).render_as_string(hide_password=False)

    @contextmanager
    def opened(self) -> Iterator[Connection]:
        engine = _engine(self.url)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def _admin_engine(self) -> Engine:
        """The server's maintenance database (postgres, else template1): no one can rename the database they are in."""
        failure: DBAPIError | None = None
        for maintenance in ("postgres", "template1"):
            engine = _engine(self.live.set(database=maintenance)).execution_options(isolation_level="AUTOCOMMIT")
            try:
                engine.connect().close()
                return engine
            except DBAPIError as exc:
                failure = exc
                engine.dispose()
        raise BackupError(f"cannot connect to PostgreSQL's maintenance database: {failure.orig if failure else ''}")

    @contextmanager
    def _admin(self) -> Iterator[Connection]:
        engine = self._admin_engine()
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def _exists(self, conn: Connection, name: str) -> bool:
        return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None

    def check_not_in_use(self) -> None:
        with self._admin() as conn:
            others = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :n "
                                       "AND pid <> pg_backend_pid()"), {"n": self.live.database}).scalar_one()
        if others:
            raise BackupError(f"{others} other session(s) are connected to the database {self.live.database}: "
                              f"stop OpsFlow's web server and schedulers (and any other client), then restore again")

    def create(self) -> None:
        with self._admin() as conn:
            like = conn.execute(text("SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
                                     "WHERE datname = :n"), {"n": self.live.database}).first()
            encoding, collate, ctype = like or ("UTF8", None, None)
            locale = f" LC_COLLATE '{collate}' LC_CTYPE '{ctype}'" if collate else ""
            try:
                conn.exec_driver_sql(f"CREATE DATABASE {_quoted(self.name)} TEMPLATE template0 "
                                     f"ENCODING '{encoding}'{locale}")
            except DBAPIError as exc:
                raise BackupError(f"the database to restore into could not be created ({exc.orig}); "
                                  f"the configured user needs the CREATEDB privilege") from exc
        self.created = True

    def restore(self, dump_file: Path, progress: Progress) -> None:
        args = [pg_tools.tool("pg_restore"), "--verbose", "--no-password", "--no-owner", "--exit-on-error",
                f"--dbname={pg_tools.conninfo(self.live, self.name)}", str(dump_file)]
        steps = pg_tools.toc_entries(str(dump_file), self.live)
        pg_tools.run_verbose(args, self.live, progress, "pg_restore steps", steps,
                             lambda line: line.startswith(("pg_restore: creating", "pg_restore: processing data",
                                                           "pg_restore: executing")))

    def _aside_name(self, conn: Connection, stamp: str) -> str:
        stamp, n = stamp.replace("-", "_"), 1
        suffix = f"_before_restore_{stamp}"
        while True:
            name = f"{self.live.database[:MAX_NAME - len(suffix)]}{suffix}"
            if not self._exists(conn, name):
                return name
            n += 1
            suffix = f"_before_restore_{stamp}_{n}"

    def swap(self, stamp: str) -> str | None:
        """Rename the configured database aside and the fresh one into its place; the aside name, if any."""
        live = self.live.database
        assert live is not None
        with self._admin() as conn:
            aside = self._aside_name(conn, stamp) if self._exists(conn, live) else None
            try:
                if aside:
                    conn.exec_driver_sql(f"ALTER DATABASE {_quoted(live)} RENAME TO {_quoted(aside)}")
                try:
                    conn.exec_driver_sql(f"ALTER DATABASE {_quoted(self.name)} RENAME TO {_quoted(live)}")
                except DBAPIError:
                    if aside:
                        conn.exec_driver_sql(f"ALTER DATABASE {_quoted(aside)} RENAME TO {_quoted(live)}")
                    raise
            except DBAPIError as exc:
                raise BackupError(f"the restored database could not be renamed into place: {exc.orig}") from exc
        self.created = False
        return aside

    def drop(self) -> None:
        if not self.created:
            return
        with self._admin() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(self.name)} WITH (FORCE)")
        self.created = False
