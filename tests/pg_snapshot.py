"""A PostgreSQL database put back, before each test, to the rows it held when the session began.

TRUNCATE gives every table new files and CREATE DATABASE … TEMPLATE copies a
whole database: each costs a tenth of a second or more, and over several
hundred tests that was most of the PostgreSQL pass. Deleting the few rows a
test left and copying the saved rows back costs milliseconds. A table a test
filled by the megabyte is still truncated, so that no later test reads
through its dead rows.
"""
from __future__ import annotations

from graphlib import TopologicalSorter

from sqlalchemy import Engine

from engine.database import make_engine

KEEP = {"alembic_version"}  # the schema's revision, not data: no test changes it
TRUNCATE_ABOVE = 1 << 20  # bytes on disk: above this a table is truncated, not deleted from

_TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
"""
_FOREIGN_KEYS = """
SELECT child.relname, parent.relname FROM pg_constraint k
JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace
"""
_SEQUENCES = """
SELECT quote_ident(sequencename), coalesce(last_value, start_value), last_value IS NOT NULL
FROM pg_sequences WHERE schemaname = current_schema()
"""
_END_OTHERS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
"""
_SIZES = """
SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
"""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Snapshot:
    """The rows and sequence positions of one database, taken once; `restore` puts them back.

    What a test leaves behind besides rows (a table it created, a changed
    column) is not undone: tests clean up their own schema changes, as the
    `job_runs` fixture does.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine = make_engine(url)
        raw = self._engine.raw_connection()
        try:
            conn = raw.driver_connection  # psycopg 3: COPY moves the rows byte for byte, types and all
            tables = [row[0] for row in conn.execute(_TABLES) if row[0] not in KEEP]
            graph: dict[str, set[str]] = {t: set() for t in tables}
            for child, parent in conn.execute(_FOREIGN_KEYS):
                if child != parent and child in graph and parent in graph:
                    graph[child].add(parent)
            self.tables = list(TopologicalSorter(graph).static_order())  # parents before children
            self.rows: dict[str, bytes] = {}
            for table in self.tables:
                cursor = conn.cursor()
                with cursor.copy(f"COPY {_quoted(table)} TO STDOUT (FORMAT BINARY)") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if cursor.rowcount:
                    self.rows[table] = data
            sequences = conn.execute(_SEQUENCES).fetchall()
            raw.rollback()
        finally:
            raw.close()
        self._setval = "SELECT " + ", ".join(
            f"setval('{name}', {value}, {'true' if called else 'false'})" for name, value, called in sequences
        ) if sequences else ""

    def restore(self) -> str:
        """Put the saved rows back and return the database's URL.

        Other connections to the database are ended first, as DROP DATABASE … WITH (FORCE) did: a
        transaction a test left open must not hold a lock on a table emptied for the next one.
        """
        raw = self._engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute(_END_OTHERS)
            sizes = dict(conn.execute(_SIZES, [self.tables]).fetchall())
            big = [t for t in self.tables if sizes.get(t, 0) > TRUNCATE_ABOVE]
            # as a restore from a dump would: the audit log's append-only triggers do not fire for the harness
            statements = ["SET LOCAL session_replication_role = replica"]
            if big:  # CASCADE also empties the tables that point at these; all are emptied anyway
                statements.append(f"TRUNCATE {', '.join(map(_quoted, big))} CASCADE")
            statements += [f"DELETE FROM {_quoted(t)}" for t in reversed(self.tables) if t not in big]
            conn.execute("; ".join(statements))
            for table, data in self.rows.items():  # in dependency order: parents first
                with conn.cursor().copy(f"COPY {_quoted(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
            if self._setval:
                conn.execute(self._setval)
            raw.commit()
        finally:
            raw.close()
        return self.url

    def dispose(self) -> None:
        self._engine.dispose()
