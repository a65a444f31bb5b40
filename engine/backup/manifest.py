"""What a backup says about itself: written last into the archive, read first by a restore.

The manifest is what lets a restore refuse before touching anything: the schema revision it
needs, the database kind, the size and SHA-256 of every file inside, and the row count of every
table, checked again after the database is restored.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from .errors import BackupError

FORMAT = "opsflow-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/opsflow.sqlite3", "postgresql": "database/opsflow.pgdump"}
ATTACHMENTS = "attachments"
INSTANCE = "instance"
KEY_SUFFIXES = ("_key", "_keys")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class FileEntry:
    """One file in the archive: its path inside its folder (attachments/, instance/), size and checksum."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class MissingFile:
    """An attachment whose row the database holds but whose file was already gone when the backup ran."""

    attachment_id: int
    path: str


@dataclass(frozen=True)
class Manifest:
    opsflow_version: str
    schema_revisions: tuple[str, ...]
    database_kind: str
    created_at: datetime
    tables: Mapping[str, int]
    database: FileEntry
    attachments: tuple[FileEntry, ...] = ()
    keys: tuple[FileEntry, ...] = ()
    missing_files: tuple[MissingFile, ...] = ()

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def members(self) -> dict[str, FileEntry]:
        """Every file the archive must hold besides the manifest, by its name in the archive."""
        found = {self.database.path: self.database}
        found.update({f"{ATTACHMENTS}/{entry.path}": entry for entry in self.attachments})
        found.update({f"{INSTANCE}/{entry.path}": entry for entry in self.keys})
        return found

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "opsflow_version": self.opsflow_version,
            "schema_revisions": list(self.schema_revisions), "database_kind": self.database_kind,
            "created_at": self.created_at.isoformat(timespec="seconds") + "Z",
            "database": _entry_json(self.database), "tables": dict(sorted(self.tables.items())),
            "attachments": [_entry_json(e) for e in self.attachments], "keys": [_entry_json(e) for e in self.keys],
            "missing_files": [{"attachment_id": m.attachment_id, "path": m.path} for m in self.missing_files],
        }
        return json.dumps(data, indent=1, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """The manifest, or a BackupError saying what is wrong with it (never a KeyError)."""
        try:
            data = json.loads(raw)
            return cls._parse(data)
        except BackupError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BackupError(f"the backup's manifest is damaged ({exc.__class__.__name__}: {exc})") from exc

    @classmethod
    def _parse(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise BackupError("this is not an OpsFlow backup: its manifest.json is of another kind")
        if int(data["format_version"]) > FORMAT_VERSION:
            raise BackupError(f"the backup is in format {data['format_version']}, newer than this OpsFlow reads "
                              f"({FORMAT_VERSION}): restore it with the OpsFlow that made it "
                              f"({data.get('opsflow_version')}) or a newer one")
        kind = data["database_kind"]
        database = _entry(data["database"])
        if DATABASE_MEMBERS.get(kind) != database.path:
            raise BackupError(f"the backup's manifest names an unknown database kind {kind!r}")
        tables = {str(name): int(count) for name, count in data["tables"].items()}
        return cls(
            opsflow_version=str(data["opsflow_version"]),
            schema_revisions=tuple(str(r) for r in data["schema_revisions"]), database_kind=kind,
            created_at=datetime.fromisoformat(data["created_at"].removesuffix("Z")), tables=tables,
            database=database,
            attachments=tuple(_entry(e) for e in data["attachments"]),
            keys=tuple(_entry(e, key=True) for e in data["keys"]),
            missing_files=tuple(MissingFile(int(m["attachment_id"]), str(m["path"]))
                                for m in data.get("missing_files", [])),
        )


def is_key_file(name: str) -> bool:
    """Files of instance/ that make the data readable: secret_key, field_keys and whatever else ends so."""
    return name.endswith(KEY_SUFFIXES) and _KEY_NAME.fullmatch(name) is not None


def safe_relative(path: str) -> bool:
    """A path that stays inside the folder it is restored into: relative, no `..`, no empty part."""
    parts = PurePosixPath(path).parts
    return bool(parts) and "\\" not in path and not PurePosixPath(path).is_absolute() \
        and all(p not in ("", ".", "..") for p in parts) and "/".join(parts) == path


def _entry_json(entry: FileEntry) -> dict[str, Any]:
    return {"path": entry.path, "size": entry.size, "sha256": entry.sha256}


def _entry(data: dict[str, Any], key: bool = False) -> FileEntry:
    entry = FileEntry(str(data["path"]), int(data["size"]), str(data["sha256"]))
    if entry.size < 0 or not _SHA256.fullmatch(entry.sha256) or not safe_relative(entry.path):
        raise BackupError(f"the backup's manifest is damaged: bad entry for {entry.path!r}")
    if key and not is_key_file(entry.path):
        raise BackupError(f"the backup's manifest names {entry.path!r} as a key file, which it is not")
    return entry
