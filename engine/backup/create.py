"""`create_backup`: the database as of one moment, then every attachment file and key file, then the
manifest, into one tar file that appears under its name only once it is complete."""
from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection

from ..clock import utcnow
from . import pg_tools, postgres_copy, sqlite_copy
from .archive import ArchiveWriter
from .errors import BackupError
from .files import attachment_files, check_space, key_files, size_text, staging_path
from .installation import Installation, opsflow_version
from .manifest import ATTACHMENTS, DATABASE_MEMBERS, INSTANCE, MANIFEST, FileEntry, Manifest, MissingFile
from .progress import NO_PROGRESS, Progress
from .tables import attachment_rows, schema_revisions, table_counts


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    manifest: Manifest


@dataclass(frozen=True)
class _Described:
    tables: dict[str, int]
    revisions: tuple[str, ...]
    attachment_rows: dict[str, int]


def _describe(conn: Connection) -> _Described:
    return _Described(table_counts(conn), schema_revisions(conn), attachment_rows(conn))


def backup_path(target: Path, created: datetime) -> Path:
    """A folder gets a file named after the moment (for cron); anything else is the file itself."""
    return target / f"opsflow-backup-{created:%Y%m%d-%H%M%S}.tar" if target.is_dir() else target


def _copy_database(installation: Installation, copy: Path, progress: Progress, pages_per_step: int) -> _Described:
    """Copy the database into `copy`; describe the copy (SQLite) or the dump's own snapshot (PostgreSQL)."""
    if installation.database_kind == "sqlite":
        sqlite_copy.copy_online(sqlite_copy.sqlite_path(installation.database_url), copy, progress, pages_per_step)
        sqlite_copy.check_copy(copy)
        with sqlite_copy.opened(copy) as conn:
            return _describe(conn)
    with postgres_copy.snapshot(installation.database_url) as (conn, snapshot_id):
        described = _describe(conn)
        postgres_copy.dump(installation.database_url, snapshot_id, copy, len(described.tables), progress)
        return described


def _estimate(installation: Installation) -> int:
    """Room the backup needs beside its file: the database copied, then archived (SQLite), and the files."""
    database = 0
    if installation.database_kind == "sqlite":
        live = sqlite_copy.sqlite_path(installation.database_url)
        database = 2 * live.stat().st_size if live.exists() else 0
    return database + sum(p.stat().st_size for _, p in attachment_files(installation.attachments_dir))


def create_backup(installation: Installation, target: Path, *, clock: Callable[[], datetime] = utcnow,
                  progress: Progress = NO_PROGRESS,
                  pages_per_step: int = sqlite_copy.PAGES_PER_STEP) -> BackupReport:
    """Back up a running OpsFlow: nothing needs to stop, and nothing it writes meanwhile is half in it."""
    created = clock().replace(microsecond=0)
    path = backup_path(target, created)
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name, or remove it first")
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    if path.parent.resolve().is_relative_to(installation.attachments_dir.resolve()):
        raise BackupError(f"write the backup outside the attachments folder {installation.attachments_dir}: "
                          f"a backup inside it would try to hold itself")
    if installation.database_kind == "postgresql":
        pg_tools.tool("pg_dump")
    estimate = _estimate(installation)
    check_space([(path.parent, estimate)], "the backup")
    token = secrets.token_hex(4)
    partial, copy = staging_path(path, token), staging_path(path.with_name(f"{path.name}.database"), token)
    writer: ArchiveWriter | None = None
    try:
        described = _copy_database(installation, copy, progress, pages_per_step)
        writer = ArchiveWriter(partial, created.replace(tzinfo=UTC).timestamp())
        manifest = _write(writer, installation, copy, described, created, progress)
        writer.close()
        os.replace(partial, path)
    except OSError as exc:
        if writer is not None:
            writer.abandon()
        if exc.errno == errno.ENOSPC:
            raise BackupError(f"no space left on the file system of {path.parent} while writing the backup; "
                              f"nothing was kept (it needs about {size_text(estimate)})") from exc
        raise BackupError(f"the backup failed: {exc.strerror or exc} ({exc.filename}); nothing was kept") from exc
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    finally:
        copy.unlink(missing_ok=True)
    return BackupReport(path, path.stat().st_size, manifest)


def _write(writer: ArchiveWriter, installation: Installation, copy: Path, described: _Described,
           created: datetime, progress: Progress) -> Manifest:
    kind = installation.database_kind
    progress.start("database into the archive", copy.stat().st_size)
    database = writer.add_file(DATABASE_MEMBERS[kind], copy, DATABASE_MEMBERS[kind], progress.advance)
    progress.finish()
    files = attachment_files(installation.attachments_dir)  # after the database: every file it names is there
    progress.start("attachment files", len(files))
    attachments = []
    for relative, source in files:
        attachments.append(writer.add_file(f"{ATTACHMENTS}/{relative}", source, relative))
        progress.advance()
    progress.finish()
    keys: list[FileEntry] = [writer.add_file(f"{INSTANCE}/{name}", source, name)
                             for name, source in key_files(installation.instance_dir)]
    present = {entry.path for entry in attachments}
    manifest = Manifest(
        opsflow_version=opsflow_version(), schema_revisions=described.revisions, database_kind=kind,
        created_at=created, tables=described.tables, database=database, attachments=tuple(attachments),
        keys=tuple(keys), missing_files=tuple(MissingFile(row_id, relative) for relative, row_id
                                              in described.attachment_rows.items() if relative not in present))
    writer.add_bytes(MANIFEST, manifest.to_json())
    return manifest
