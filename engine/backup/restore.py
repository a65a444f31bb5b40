"""`open_backup`, `check_restorable`, `restore_backup`: refuse before touching anything, stage
everything beside the live copies, check it, migrate it, and only then swap it in.

What is refused, and when: an archive that is not a backup, is cut short, or has any file whose
size or SHA-256 differs from its manifest (all checked before anything is written); a backup of
another database kind or of a schema revision this code does not know (checked before anything
is written); a restored database whose row counts differ from the manifest (checked on the
staged copy, which is then thrown away). Nothing live changes until every part is staged.
"""
from __future__ import annotations

import errno
import secrets
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from ..clock import utcnow
from . import pg_tools, sqlite_copy
from .archive import ArchiveReader
from .errors import BackupError
from .files import SQLITE_COMPANIONS, Replacements, check_space, key_files, remove, staging_path
from .installation import KIND_NAMES, Installation
from .manifest import ATTACHMENTS, INSTANCE, Manifest
from .postgres_copy import FreshDatabase
from .progress import NO_PROGRESS, Progress
from .tables import schema_revisions, table_counts

# the staged database's URL, and the key files the restored data will be read with: the backup's
# (staged), else the installation's own; a migration that encrypts must use those, not the live ones
Migrate = Callable[[str, Mapping[str, Path]], None]


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    kept: tuple[str, ...]  # where what the restore replaced now is: files, folders, a database name
    schema_revisions: tuple[str, ...]  # after the migrations


def open_backup(path: Path, progress: Progress = NO_PROGRESS) -> ArchiveReader:
    """The archive with its manifest, once every file in it has matched its checksum."""
    reader = ArchiveReader(path)
    try:
        progress.start("checking the backup", reader.total_bytes)
        reader.verify(progress.advance)
        progress.finish()
    except BaseException:
        reader.close()
        raise
    return reader


def check_restorable(manifest: Manifest, installation: Installation, known_revisions: Collection[str]) -> None:
    kind = installation.database_kind
    if manifest.database_kind != kind:
        raise BackupError(f"this backup holds a {KIND_NAMES[manifest.database_kind]} database, but this OpsFlow "
                          f"uses {KIND_NAMES[kind]} (DATABASE_URL): restore it where OpsFlow uses "
                          f"{KIND_NAMES[manifest.database_kind]}")
    unknown = [r for r in manifest.schema_revisions if r not in known_revisions]
    if unknown:
        raise BackupError(f"the backup's schema revision {', '.join(unknown)} is newer than this OpsFlow knows "
                          f"(it was made by OpsFlow {manifest.opsflow_version}): upgrade OpsFlow to that "
                          f"version or later, then restore")
    if kind == "postgresql":
        pg_tools.tool("pg_restore")


def _check_counts(conn: Connection, manifest: Manifest) -> None:
    counts = table_counts(conn)
    for table in sorted(set(counts) | set(manifest.tables)):
        found, expected = counts.get(table), manifest.tables.get(table)
        if found != expected:
            raise BackupError(f"the restored database does not hold what the backup recorded: table {table} "
                              f"has {found if found is not None else 'no'} rows, the manifest says "
                              f"{expected if expected is not None else 'none'}; nothing was changed")


class _Restore:
    """One restore's staged parts, and the swaps that put them in place."""

    def __init__(self, reader: ArchiveReader, installation: Installation, migrate: Migrate,
                 progress: Progress, stamp: str) -> None:
        self.reader, self.manifest, self.installation = reader, reader.manifest, installation
        self.migrate, self.progress = migrate, progress
        self.token = secrets.token_hex(4)
        self.staged: list[Path] = []
        self.replacements = Replacements(stamp)
        self.fresh: FreshDatabase | None = None
        self.staged_url = ""
        self.revisions: tuple[str, ...] = ()

    def _extract(self, name: str, target: Path, label: str) -> None:
        entry = self.manifest.members()[name]
        self.progress.start(label, entry.size)
        self.reader.extract(name, entry, target, self.progress.advance)
        self.progress.finish()

    def migrate_staged(self, keys: list[tuple[Path, Path]]) -> None:
        """Bring the staged database's schema up to date, with the key files it will be read with."""
        key_paths = dict(key_files(self.installation.instance_dir)) | {live.name: staged for staged, live in keys}
        self.progress.start("schema migrations", 1)
        try:
            self.migrate(self.staged_url, key_paths)
        except Exception as exc:
            raise BackupError(f"the migrations failed on the restored database ({exc}); nothing was changed") from exc
        self.progress.advance()
        self.progress.finish()
        if self.fresh is not None:
            with self.fresh.opened() as conn:
                self.revisions = schema_revisions(conn)
            return
        staged = Path(self.staged_url.removeprefix("sqlite:///"))
        with sqlite_copy.opened(staged) as conn:
            self.revisions = schema_revisions(conn)
        sqlite_copy.settle(staged)

    def _attachment_bytes(self) -> int:
        return sum(e.size for e in self.manifest.attachments)

    def stage_sqlite(self) -> Path:
        live = sqlite_copy.sqlite_path(self.installation.database_url)
        sqlite_copy.check_not_in_use(live)
        check_space([(live.parent, 2 * self.manifest.database.size),
                     (self.installation.attachments_dir.parent, self._attachment_bytes())], "the restore")
        staged = staging_path(live, self.token)
        self.staged.append(staged)
        self._extract(self.manifest.database.path, staged, "database")
        with sqlite_copy.opened(staged) as conn:
            _check_counts(conn, self.manifest)
        self.staged_url = f"sqlite:///{staged}"
        return staged

    def stage_postgres(self) -> None:
        self.fresh = fresh = FreshDatabase(self.installation.database_url, self.token)
        fresh.check_not_in_use()
        folder = Path(tempfile.mkdtemp(prefix="opsflow-restore-"))
        self.staged.append(folder)
        check_space([(folder, self.manifest.database.size),
                     (self.installation.attachments_dir.parent, self._attachment_bytes())], "the restore")
        dump = folder / "opsflow.pgdump"
        self._extract(self.manifest.database.path, dump, "database dump")
        fresh.create()
        fresh.restore(dump, self.progress)
        with fresh.opened() as conn:
            _check_counts(conn, self.manifest)
        self.staged_url = fresh.url
        remove(folder)

    def stage_files(self) -> tuple[Path, list[tuple[Path, Path]]]:
        root = self.installation.attachments_dir
        root.parent.mkdir(parents=True, exist_ok=True)
        staged_root = staging_path(root, self.token)
        self.staged.append(staged_root)
        staged_root.mkdir()
        self.progress.start("attachment files", len(self.manifest.attachments))
        for entry in self.manifest.attachments:
            self.reader.extract(f"{ATTACHMENTS}/{entry.path}", entry, staged_root / entry.path)
            self.progress.advance()
        self.progress.finish()
        instance = self.installation.instance_dir
        instance.mkdir(parents=True, exist_ok=True)
        keys = []
        for entry in self.manifest.keys:
            live = instance / entry.path
            staged = staging_path(live, self.token)
            self.staged.append(staged)
            self.reader.extract(f"{INSTANCE}/{entry.path}", entry, staged)
            staged.chmod(0o600)
            keys.append((staged, live))
        return staged_root, keys

    def swap(self, staged_root: Path, keys: list[tuple[Path, Path]], staged_db: Path | None, stamp: str) -> list[str]:
        """The renames, database last; if any fails, every one before it is undone."""
        kept: list[str] = []
        try:
            self.replacements.put(staged_root, self.installation.attachments_dir)
            for staged, live in keys:
                self.replacements.put(staged, live)
            if staged_db is not None:
                live_db = sqlite_copy.sqlite_path(self.installation.database_url)
                sqlite_copy.check_not_in_use(live_db)
                self.replacements.put(staged_db, live_db, SQLITE_COMPANIONS)
            elif self.fresh is not None:
                aside = self.fresh.swap(stamp)
                kept.extend([f"database {aside}"] if aside else [])
        except BaseException:
            self.replacements.undo()
            raise
        return [str(p) for p in self.replacements.kept] + kept

    def clean_up(self) -> None:
        for path in self.staged:
            remove(path)
        if self.fresh is not None:
            self.fresh.drop()


def restore_backup(reader: ArchiveReader, installation: Installation, *, known_revisions: Collection[str],
                   migrate: Migrate, clock: Callable[[], datetime] = utcnow,
                   progress: Progress = NO_PROGRESS) -> RestoreReport:
    """Put the installation back to the backup's moment, its schema brought up to date by `migrate`.

    OpsFlow must not be running against the installation meanwhile (a PostgreSQL database with
    other sessions, or a SQLite file being written, is refused). What the restore replaced is
    renamed `…before-restore-<time>` and kept, so a wrong restore can be undone by hand.
    """
    manifest = reader.manifest
    check_restorable(manifest, installation, known_revisions)
    stamp = clock().strftime("%Y%m%d-%H%M%S")
    restore = _Restore(reader, installation, migrate, progress, stamp)
    try:
        staged_db = restore.stage_sqlite() if installation.database_kind == "sqlite" else None
        if staged_db is None:
            restore.stage_postgres()
        staged_root, keys = restore.stage_files()
        restore.migrate_staged(keys)
        kept = restore.swap(staged_root, keys, staged_db, stamp)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise BackupError("no space left on a file system the restore writes to; nothing was changed") from exc
        raise BackupError(f"the restore failed: {exc.strerror or exc} ({exc.filename}); nothing was changed") from exc
    finally:
        restore.clean_up()
    return RestoreReport(manifest, tuple(kept), restore.revisions)
