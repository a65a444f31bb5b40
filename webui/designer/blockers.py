"""What keeps a running instance on its version, in the reader's language.

The engine says it with a code and parameters (engine.migration.Blocker); a step is named as the instance's own
version names it, in the reader's language.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engine import Blocker, MigrationCheck

from .. import labels, step_names

SENTENCES = {
    "step_removed": _l("Its current step “%(step)s” is not in v%(version)s."),
    "step_passed_removed": _l("It has passed “%(step)s”, which v%(version)s no longer has."),
    "subprocess_removed": _l("It is inside a sub-process that v%(version)s does not have."),
    "waits_on_timer": _l("It waits on the timer “%(step)s”; moving it would start the timer over."),
    "form_missing": _l("Its current step “%(step)s” asks for the form “%(form)s”, which v%(version)s lacks."),
    "field_missing": _l("It lacks “%(field)s”, a required field of the start form of v%(version)s."),
    "reload_failed": _l("The moved request could not be saved and read back (%(error)s)."),
    "in_error": _l("It is in error: retry or cancel it first."),
    "not_running": _l("It is %(status)s."),
    "changed_meanwhile": _l("It changed while it was being moved: try again."),
}


def sentence(blocker: Blocker, names: dict[str, str]) -> str:
    """One blocker as a sentence; a code this table does not know yet reads as the engine's English."""
    if blocker.code not in SENTENCES:
        return str(blocker)
    values = {"step": "", "version": "", "form": "", "field": "", "error": "", **blocker.values}
    if blocker.values.get("step"):
        values["step"] = step_names.step_name(blocker.values["step"], names) or blocker.values.get("name", "")
    values["status"] = labels.status(blocker.values.get("status"))
    return str(SENTENCES[blocker.code]) % values


def sentences(process_key: str, checks: list[MigrationCheck]) -> dict[int, list[str]]:
    """Instance id → its blockers as sentences, each step named by the version the instance is on."""
    return {c.instance_id: [sentence(b, step_names.of_version(process_key, c.from_version)) for b in c.blockers]
            for c in checks}


def steps_at(process_key: str, checks: list[MigrationCheck]) -> dict[int, str]:
    """Instance id → the steps it is on, named by its version in the reader's language."""
    return {c.instance_id: ", ".join(step_names.step_name(s, step_names.of_version(process_key, c.from_version))
                                     for s in c.steps) if c.steps else ", ".join(c.at) for c in checks}
