"""Files attached to a request: bytes on disk under `<root>/<instance id>/`, metadata in the database.

Limits (size, file types) are checked before anything is written; the file
is written first and removed again if the database refuses the row, so
nothing is ever half-stored. Only people who may see the instance can list
or download its files. Files sent with a start form wait in `<root>/incoming/`
until the instance exists, and join it in the transaction that starts it.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import InvalidData, NotFound
from ..views import Actor, InstanceView
from .comments import visible_instance
from .models import Attachment

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

MAX_BYTES = 10 * 1024 * 1024
INCOMING = "incoming"  # the folder files sent with a start form wait in
ALLOWED = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".txt": "text/plain", ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".zip": "application/zip",
}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class AttachmentView:
    id: int
    instance_id: int
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip().lstrip(".")
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')[:200]
    if not name:
        raise InvalidData({"file": "has no name"})
    return name


def _copy_limited(stream: BinaryIO, target: Path, limit: int) -> int:
    size = 0
    with target.open("xb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        target.unlink(missing_ok=True)
        raise InvalidData({"file": f"is larger than {limit // (1024 * 1024)} MB"})
    if size == 0:
        target.unlink(missing_ok=True)
        raise InvalidData({"file": "is empty"})
    return size


def _checked_name(filename: str, allowed: Collection[str] = ALLOWED) -> tuple[str, str]:
    """The file's clean name and content type, if its type is one we keep (and `allowed` asks for)."""
    name = _clean_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED or suffix not in allowed:
        kinds = ", ".join(sorted(set(ALLOWED) & set(allowed)))
        raise InvalidData({"file": f"type {suffix or '(none)'} is not allowed; allowed: {kinds}"})
    return name, ALLOWED[suffix]


def save(eng: WorkflowEngine, root: Path, instance_id: int, actor: Actor, filename: str, stream: BinaryIO,
         max_bytes: int = MAX_BYTES) -> AttachmentView:
    name, content_type = _checked_name(filename)
    with eng.read() as session:
        visible_instance(eng, session, instance_id, actor)
    folder = root / str(int(instance_id))
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex
    target = folder / stored
    size = _copy_limited(stream, target, max_bytes)
    try:
        with eng._write() as session:
            row = Attachment(instance_id=instance_id, filename=name, content_type=content_type, size=size,
                             stored_name=stored, uploaded_by=actor.username, uploaded_at=eng.clock())
            session.add(row)
            session.flush()
            audit.record(session, actor.username, "instance.file_attached", f"instance {instance_id}", row.uploaded_at,
                         attachment_id=row.id, filename=name, size=size)
            return _view(row)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class StagedFile:
    """A file sent with a start form, kept under `<root>/incoming/` until the instance it belongs to exists."""

    root: Path
    stored_name: str
    filename: str
    content_type: str
    size: int

    @property
    def path(self) -> Path:
        return self.root / INCOMING / self.stored_name


def stage(root: Path, filename: str, stream: BinaryIO, max_bytes: int = MAX_BYTES,
          allowed: Collection[str] = ALLOWED) -> StagedFile:
    """Check and keep one upload aside; the same limits as an attachment, optionally fewer types."""
    name, content_type = _checked_name(filename, [a.lower() for a in allowed])
    folder = root / INCOMING
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex
    size = _copy_limited(stream, folder / stored, max_bytes)
    return StagedFile(root, stored, name, content_type, size)


def start_with_files(eng: WorkflowEngine, key: str, data: dict[str, Any], actor: Actor,
                     files: Mapping[str, Sequence[StagedFile]], business_key: str | None = None) -> InstanceView:
    """Start an instance whose start form takes files: the instance, its attachment rows and the files
    in its folder are there together, or none of them is (staged files are removed either way)."""
    staged = [f for group in files.values() for f in group]
    kept: list[Path] = []

    def keep(session: Session, instance_id: int) -> None:
        for f in staged:
            target = f.root / str(int(instance_id)) / f.stored_name
            target.parent.mkdir(parents=True, exist_ok=True)
            f.path.replace(target)
            kept.append(target)
            session.add(Attachment(instance_id=instance_id, filename=f.filename, content_type=f.content_type,
                                   size=f.size, stored_name=f.stored_name, uploaded_by=actor.username,
                                   uploaded_at=eng.clock()))
        session.flush()

    try:
        return eng.start(key, {**data, **files}, actor, business_key, then=keep)
    except BaseException:
        for path in kept:
            path.unlink(missing_ok=True)
        raise
    finally:
        discard(staged)


def discard(staged: Iterable[StagedFile]) -> None:
    """Remove staged files that never became attachments (a form sent back with errors)."""
    for f in staged:
        f.path.unlink(missing_ok=True)


def listing(eng: WorkflowEngine, instance_id: int, actor: Actor) -> list[AttachmentView]:
    with eng.read() as session:
        visible_instance(eng, session, instance_id, actor)
        return listing_of(session, instance_id)


def listing_of(session: Session, instance_id: int) -> list[AttachmentView]:
    """The files of an instance the caller has already been let see."""
    rows = session.scalars(select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.id))
    return [_view(a) for a in rows]


def open_file(eng: WorkflowEngine, root: Path, instance_id: int, attachment_id: int,
              actor: Actor) -> tuple[AttachmentView, Path]:
    """The file's metadata and path, for whoever may see the instance it belongs to."""
    with eng.read() as session:
        visible_instance(eng, session, instance_id, actor)
        row = session.get(Attachment, attachment_id)
        if row is None or row.instance_id != instance_id:
            raise NotFound(f"no attachment {attachment_id} on instance {instance_id}")
        path = root / str(row.instance_id) / row.stored_name
        if not path.is_file():
            raise NotFound(f"the file of attachment {attachment_id} is missing")
        return _view(row), path


def _view(a: Attachment) -> AttachmentView:
    return AttachmentView(a.id, a.instance_id, a.filename, a.content_type, a.size, a.uploaded_by, a.uploaded_at)
