"""What a backup records about the database it copied, read on the copy itself (or in the same
snapshot), so that the manifest describes exactly the rows the archive holds."""
from __future__ import annotations

from sqlalchemy import Connection, inspect

from .errors import BackupError


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of the default schema (SQLite's own sqlite_* tables are not OpsFlow's data)."""
    names = inspect(conn).get_table_names()
    return {name: int(conn.exec_driver_sql(f"SELECT count(*) FROM {_quoted(name)}").scalar_one())
            for name in sorted(names)}


def schema_revisions(conn: Connection) -> tuple[str, ...]:
    """The Alembic revisions the database is at (one per migration branch head)."""
    if "alembic_version" not in inspect(conn).get_table_names():
        raise BackupError("the database has no schema revision (no alembic_version table): "
                          "it was never migrated; run `opsflow init-db` first")
    return tuple(conn.exec_driver_sql("SELECT version_num FROM alembic_version ORDER BY version_num").scalars())


def attachment_rows(conn: Connection) -> dict[str, int]:
    """Each attachment's file, as a path under the attachments root, and the row that names it."""
    if "attachments" not in inspect(conn).get_table_names():
        return {}
    rows = conn.exec_driver_sql("SELECT id, instance_id, stored_name FROM attachments ORDER BY id")
    return {f"{instance_id}/{stored}": int(row_id) for row_id, instance_id, stored in rows}
