"""Steps by the names their own version gives them: a task renamed in the designer reads renamed on instances of
the new version, and as before on the old one. Each reads in the reader's language where the version carries a
name in it (engine.names); a name it does not carry still goes through the catalog, for versions deployed before."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import get_locale, gettext
from sqlalchemy import select

from engine import ProcessDefinition, ProcessInstance, names

from . import labels
from .extensions import db, workflow_engine
from .i18n import translations

LANE = "{http://www.omg.org/spec/BPMN/20100524/MODEL}lane"


def reader_language() -> str:
    """The language code names are carried under in BPMN ("zh_CN", "en") for this request's locale."""
    locale = get_locale()
    if locale is None:
        return ""
    return f"{locale.language}_{locale.territory or 'CN'}" if locale.language == "zh" else locale.language


def of_definition(definition_id: int | None) -> dict[str, str]:
    """Element id → name in that version and the reader's language, read once per request."""
    if definition_id is None:
        return {}
    language = reader_language()
    cache: dict[tuple[int, str], dict[str, str]] = g.setdefault("step_names", {})
    if (definition_id, language) not in cache:
        cache[(definition_id, language)] = workflow_engine().definitions.step_names(db.session, definition_id,
                                                                                    language)
    return cache[(definition_id, language)]


def of_process(process_key: str) -> dict[str, str]:
    """The names of the newest version of a process: for figures over all its versions (the heatmap)."""
    definition_id = db.session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == process_key)
                                      .order_by(ProcessDefinition.version.desc()).limit(1))
    return of_definition(definition_id)


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
    return translations().ugettext(name) if name else labels.element(code)


def diagram_for_reader(xml: str) -> bytes:
    """A diagram to show: every element named in the reader's language, a lane without its own name in it titled
    by its group's name for people (not the group id the engine routes by)."""
    def otherwise(element: Any, name: str) -> str:
        return labels.group(name) if element.tag == LANE else gettext(name)
    return names.with_names_in(xml, reader_language(), otherwise=otherwise)
