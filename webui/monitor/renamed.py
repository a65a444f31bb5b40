"""A step renamed in a later version is counted under each of its names, not merged under the newest one.

The timing figures group tasks by step id across versions. Where the versions in use name a step differently,
its row is split into one row per name, each over the instances of the versions that give it that name.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import ProcessDefinition, analytics

from .. import step_names
from ..extensions import workflow_engine


def _version_names(session: Session, process: str) -> dict[int, dict[str, str]]:
    ids = session.scalars(select(ProcessDefinition.id).where(ProcessDefinition.key == process))
    language = step_names.reader_language()
    definitions = workflow_engine().definitions
    return {definition_id: definitions.step_names(session, definition_id, language) for definition_id in ids}


def by_name(session: Session, report: analytics.Report, since: datetime,
            now: datetime) -> tuple[list[analytics.StepTiming], dict[str, str]]:
    """The report's step rows with renamed steps split by name, and `process:step` → the name people read;
    each part over the report's own period and department."""
    steps: list[analytics.StepTiming] = []
    names: dict[str, str] = {}
    versions = {p: _version_names(session, p) for p in {s.process for s in report.steps}}
    for row in report.steps:
        groups: dict[str, list[int]] = {}
        for definition_id, version_names in versions[row.process].items():
            if row.step in version_names:
                groups.setdefault(gettext(version_names[row.step]), []).append(definition_id)
        if len(groups) < 2:
            steps.append(row)
            if groups:
                names[f"{row.process}:{row.step}"] = next(iter(groups))
            continue
        for name, ids in groups.items():
            timings = analytics.step_timings(session, since, now, row.process, versions=ids,
                                             department=report.department, until=report.until)
            part = next((r for r in timings if r.step == row.step), None)
            if part is not None:
                key = f"{row.step}~{ids[0]}"
                steps.append(dataclasses.replace(part, step=key))
                names[f"{row.process}:{key}"] = name
    return sorted(steps, key=lambda r: -(r.avg_wait_s or 0)), names
