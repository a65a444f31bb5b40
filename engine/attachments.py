"""Files attached to a request: bytes on disk under `<root>/<instance id>/`, metadata in the database.

Limits (size, file types) are checked before anything is written; the file
is written first and removed again if the database refuses the row, so
nothing is ever half-stored. Only people who may see the instance can list
or download its files.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import select

from .comments import visible_instance
from .errors import InvalidData, NotFound
from .views import Actor
from .workplace_models import Attachment

if TYPE_CHECKING:
    from .runtime import WorkflowEngine

MAX_BYTES = 10 * 1024 * 1024
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


def save(eng: WorkflowEngine, root: Path, instance_id: int, actor: Actor, filename: str, stream: BinaryIO,
         max_bytes: int = MAX_BYTES) -> AttachmentView:
    name = _clean_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED:
        raise InvalidData({"file": f"type {suffix or '(none)'} is not allowed; allowed: {', '.join(sorted(ALLOWED))}"})
    with eng.read() as session:
        visible_instance(eng, session, instance_id, actor)
    folder = root / str(int(instance_id))
    folder.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex
    target = folder / stored
    size = _copy_limited(stream, target, max_bytes)
    try:
        with eng._write() as session:
            row = Attachment(instance_id=instance_id, filename=name, content_type=ALLOWED[suffix], size=size,
                             stored_name=stored, uploaded_by=actor.username, uploaded_at=eng.clock())
            session.add(row)
            session.flush()
            return _view(row)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def listing(eng: WorkflowEngine, instance_id: int, actor: Actor) -> list[AttachmentView]:
    with eng.read() as session:
        visible_instance(eng, session, instance_id, actor)
        rows = session.scalars(select(Attachment).where(Attachment.instance_id == instance_id)
                               .order_by(Attachment.id))
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
