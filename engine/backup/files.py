"""The files around the database: attachments, key files, free space, and replacing live files.

A restore never writes over a live file: it writes the backup's copy beside it under a hidden
staging name, and only when everything is staged and checked moves each live file aside
(`<name>.before-restore-<time>`) and the staged one into its place, one rename each, undone in
reverse if any rename fails. What was replaced stays on disk until someone deletes it.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .errors import BackupError
from .manifest import is_key_file

SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def attachment_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under the attachments root, by its path under the root; links are not followed."""
    if not root.is_dir():
        return []
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if not path.is_symlink() and path.is_file():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def key_files(instance_dir: Path) -> list[tuple[str, Path]]:
    """instance/secret_key, instance/field_keys and any other `*_key` / `*_keys` file there."""
    if not instance_dir.is_dir():
        return []
    return [(p.name, p) for p in sorted(instance_dir.iterdir())
            if is_key_file(p.name) and not p.is_symlink() and p.is_file()]


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_space(needs: Iterable[tuple[Path, int]], what: str) -> None:
    """Refuse up front when a file system lacks the room: better than a half-written file later."""
    per_device: dict[int, tuple[Path, int]] = {}
    for path, size in needs:
        where = _existing(path)
        device = where.stat().st_dev
        seen = per_device.get(device, (where, 0))
        per_device[device] = (seen[0], seen[1] + size)
    for where, size in per_device.values():
        free = shutil.disk_usage(where).free
        if free < size:
            raise BackupError(f"not enough space for {what} on the file system of {where}: "
                              f"it needs about {size_text(size)}, {size_text(free)} are free")


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def staging_path(live: Path, token: str) -> Path:
    """A hidden name beside the live path (same file system, so the final move is one rename)."""
    return live.with_name(f".{live.name}.restoring-{token}")


def aside_path(live: Path, stamp: str) -> Path:
    candidate, n = live.with_name(f"{live.name}.before-restore-{stamp}"), 1
    while candidate.exists() or any(Path(f"{candidate}{c}").exists() for c in SQLITE_COMPANIONS):
        n += 1
        candidate = live.with_name(f"{live.name}.before-restore-{stamp}-{n}")
    return candidate


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class Replacements:
    """Staged files moved into place one rename at a time, every rename undone if a later one fails."""

    def __init__(self, stamp: str) -> None:
        self.stamp = stamp
        self._renames: list[tuple[Path, Path]] = []
        self.kept: list[Path] = []

    def _rename(self, source: Path, target: Path) -> None:
        os.rename(source, target)
        self._renames.append((source, target))

    def put(self, staged: Path, live: Path, companions: tuple[str, ...] = ()) -> None:
        """Move `live` (and its companion files, e.g. SQLite's -wal) aside, then `staged` into its place."""
        if live.exists() or any(Path(f"{live}{c}").exists() for c in companions):
            aside = aside_path(live, self.stamp)
            for suffix in ("", *companions):
                if Path(f"{live}{suffix}").exists():
                    self._rename(Path(f"{live}{suffix}"), Path(f"{aside}{suffix}"))
            self.kept.append(aside)
        self._rename(staged, live)

    def undo(self) -> None:
        for source, target in reversed(self._renames):
            os.rename(target, source)
        self._renames.clear()
        self.kept.clear()
