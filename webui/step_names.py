"""Steps by the names their own version gives them: a task renamed in the designer reads renamed on instances of
the new version, and as before on the old one. A name the catalog knows (the shipped processes') is translated."""
from __future__ import annotations

from flask import g
from flask_babel import gettext
from sqlalchemy import select

from engine import ProcessDefinition, ProcessInstance, analytics

from . import labels
from .extensions import db


def of_definition(definition_id: int | None) -> dict[str, str]:
    """Element id → name in that version, read once per request."""
    if definition_id is None:
        return {}
    cache: dict[int, dict[str, str]] = g.setdefault("step_names", {})
    if definition_id not in cache:
        cache[definition_id] = analytics.version_step_names(db.session, definition_id)
    return cache[definition_id]


def of_version(process_key: str, version: int) -> dict[str, str]:
    definition_id = db.session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == process_key,
                                                                         ProcessDefinition.version == version))
    return of_definition(definition_id)


def of_instances(instance_ids: set[int]) -> dict[int, dict[str, str]]:
    """The names of each instance's version, in one query for a page of tasks."""
    if not instance_ids:
        return {}
    rows = db.session.execute(select(ProcessInstance.id, ProcessInstance.definition_id)
                              .where(ProcessInstance.id.in_(sorted(instance_ids))))
    return {instance_id: of_definition(definition_id) for instance_id, definition_id in rows}


def step_name(code: str | None, names: dict[str, str] | None = None) -> str:
    """A step for people: its name in `names` (translated when it is a shipped name), else the label table's."""
    name = (names or {}).get(code or "")
    return gettext(name) if name else labels.element(code)
