"""Files sent with a start form: kept aside for each `files` field, then started together with the instance.

The engine's form checks the files' number and types like any other field;
here each upload is only read once, within the size and type limits, and
every error (of the files and of the other fields) comes back at once.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from engine import ATTACHMENT_TYPES, Actor, InstanceView, InvalidData, StagedFile, discard_staged, validate_form

from .extensions import workplace


def _staged(form: Mapping[str, Any] | None, uploads: MultiDict) -> tuple[dict[str, list[StagedFile]], dict[str, str]]:
    staged: dict[str, list[StagedFile]] = {}
    errors: dict[str, str] = {}
    for field in (form or {}).get("fields", []):
        if field.get("type") != "files":
            continue
        name, kept = field["name"], []
        for upload in uploads.getlist(name):
            if not upload.filename:
                continue  # the browser sends an empty part when no file was chosen
            try:
                kept.append(workplace().stage(upload.filename, upload.stream, field.get("accept") or ATTACHMENT_TYPES))
            except InvalidData as exc:
                errors[name] = exc.errors["file"]
        staged[name] = kept
    return staged, errors


def start_with_uploads(process: str, form: Mapping[str, Any] | None, data: dict[str, Any], actor: Actor,
                       uploads: MultiDict, business_key: str | None = None) -> InstanceView:
    """Start `process` with the form's values and the files sent for its `files` fields, or raise InvalidData."""
    staged, errors = _staged(form, uploads)
    if not errors:
        return workplace().start_with_files(process, data, actor, staged, business_key)
    discard_staged(f for group in staged.values() for f in group)
    try:
        validate_form(dict(form or {}), {**data, **staged})
    except InvalidData as exc:
        errors = {**exc.errors, **errors}
    raise InvalidData(errors)
