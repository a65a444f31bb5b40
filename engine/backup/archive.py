"""The backup file: a plain tar archive, written member by member and read back with every checksum.

Tar, because it streams: each file goes in as it is read (never whole in memory), the archive
can be listed and unpacked by hand with `tar` on any machine, and nothing in it is compressed
twice (attachments are mostly PDFs and images already). The manifest is the last member, so it
can carry the checksums of everything before it; a cut-short archive therefore has none and is
refused as incomplete.
"""
from __future__ import annotations

import hashlib
import io
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import BackupError
from .manifest import MANIFEST, FileEntry, Manifest

CHUNK = 1024 * 1024
Advance = Callable[[int], None]


def _ignore(_done: int) -> None:
    pass


class _Hashing:
    """Reads a file for tarfile, hashing what passes and counting it for the progress bar."""

    def __init__(self, stream: BinaryIO, advance: Advance) -> None:
        self._stream, self._advance = stream, advance
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.digest.update(data)
        self._advance(len(data))
        return data


class ArchiveWriter:
    """Adds files to a new tar archive and says each one's size and SHA-256 as written."""

    def __init__(self, path: Path, mtime: float) -> None:
        self.path, self.mtime = path, mtime
        self._tar = tarfile.open(path, "x", format=tarfile.PAX_FORMAT)

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, self.mtime, 0o600
        return info

    def add_file(self, name: str, source: Path, entry_path: str, advance: Advance = _ignore) -> FileEntry:
        with source.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            reader = _Hashing(stream, advance)
            try:
                self._tar.addfile(self._info(name, size), reader)  # type: ignore[arg-type]
            except OSError as exc:
                if "unexpected end of data" not in str(exc):
                    raise
                raise BackupError(f"{source} grew shorter while it was copied; try the backup again") from exc
        return FileEntry(entry_path, size, reader.digest.hexdigest())

    def add_bytes(self, name: str, data: bytes) -> None:
        self._tar.addfile(self._info(name, len(data)), io.BytesIO(data))

    def close(self) -> None:
        """Finish the archive and make it durable before anyone calls it a backup."""
        self._tar.close()
        with self.path.open("rb") as done:
            os.fsync(done.fileno())

    def abandon(self) -> None:
        try:
            self._tar.close()
        except OSError:
            pass
        self.path.unlink(missing_ok=True)


class ArchiveReader:
    """An archive opened for a restore: its manifest, and its members checked against it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise BackupError(f"{path} is not a file" if path.exists() else f"{path} does not exist")
        try:
            self._tar = tarfile.open(path, "r:*")
            self._members = {m.name: m for m in self._tar.getmembers()}
        except (tarfile.TarError, EOFError, OSError) as exc:
            if not tarfile.is_tarfile(path):
                raise BackupError(f"{path} is not an OpsFlow backup: it is not a tar archive") from exc
            raise BackupError(f"{path} is damaged or cut short: it could not be read to its end ({exc})") from exc
        if MANIFEST not in self._members:
            raise BackupError(f"{path} is not an OpsFlow backup, or it was cut short: it has no {MANIFEST}")
        self.manifest = Manifest.from_json(self._read(MANIFEST))

    def _read(self, name: str) -> bytes:
        stream = self._tar.extractfile(self._members[name])
        if stream is None:
            raise BackupError(f"{self.path} is damaged: {name} is not a file")
        return stream.read()

    def _stream(self, name: str, entry: FileEntry) -> BinaryIO:
        member = self._members.get(name)
        if member is None:
            raise BackupError(f"the backup is damaged: {name} is missing from it")
        stream = self._tar.extractfile(member) if member.isfile() else None
        if stream is None or member.size != entry.size:
            raise BackupError(f"the backup is damaged: {name} is not the file of {entry.size} bytes "
                              f"its manifest describes")
        return stream

    def verify(self, advance: Advance = _ignore) -> None:
        """Every member the manifest names is there with its checksum, and nothing else is."""
        expected = self.manifest.members()
        unexpected = sorted(set(self._members) - set(expected) - {MANIFEST})
        if unexpected:
            raise BackupError(f"the backup is damaged or was altered: it holds {unexpected[0]!r}, "
                              f"which its manifest does not list")
        for name, entry in expected.items():
            digest = hashlib.sha256()
            stream = self._stream(name, entry)
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                advance(len(chunk))
            _check(name, entry, digest.hexdigest())

    def extract(self, name: str, entry: FileEntry, target: Path, advance: Advance = _ignore) -> None:
        """Write one member to a new file, checking its checksum again as it is written."""
        digest = hashlib.sha256()
        stream = self._stream(name, entry)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                advance(len(chunk))
        _check(name, entry, digest.hexdigest())

    @property
    def total_bytes(self) -> int:
        return sum(entry.size for entry in self.manifest.members().values())

    def close(self) -> None:
        self._tar.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _check(name: str, entry: FileEntry, sha256: str) -> None:
    if sha256 != entry.sha256:
        raise BackupError(f"the backup is damaged: the checksum of {name} does not match its manifest "
                          f"(SHA-256 {sha256[:12]}…, expected {entry.sha256[:12]}…)")
