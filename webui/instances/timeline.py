"""The event log told as a story: who did what, when, and what they said.

Each engine event kind gets a translated label and only the details a
reader cares about (the step, the group, the comment, how long it waited).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from engine import EventView, InstanceView

from .. import labels, rule_reasons
from ..formatting import duration, person
from ..step_names import step_name

SYSTEM_ACTORS = frozenset({"system", ""})
SYSTEM_KINDS = frozenset({"step_completed", "step_waiting", "task_created", "instance_completed"})


@dataclass(frozen=True)
class Entry:
    kind: str
    tone: str
    label: str
    actor: str
    at: datetime
    subject: str = ""
    note: str = ""
    comment: str | None = None
    waited: str = ""


def entries(instance: InstanceView, names: dict[str, str] | None = None, technical: bool = False) -> list[Entry]:
    """`names`: the steps' names in the instance's version; `technical`: the reader may see an error as the engine
    wrote it (administrators)."""
    return [entry(e, names, technical) for e in instance.history]


def _actor(event: EventView) -> str:
    if event.kind == "task_completed" and (event.detail or {}).get("rule"):
        return _("Automatic approver (rule set “%(set)s”)", set=event.detail.get("rule_set", ""))
    if event.actor in SYSTEM_ACTORS or event.kind in SYSTEM_KINDS:
        return _("OpsFlow (automatic)")
    return person(event.actor)


def entry(event: EventView, names: dict[str, str] | None = None, technical: bool = False) -> Entry:
    detail = event.detail or {}
    subject = step_name(event.task_name, names)
    base = {"kind": event.kind, "actor": _actor(event), "at": event.at, "subject": subject}
    if event.kind == "task_completed":
        outcome = detail.get("outcome")
        tone = {"approve": "approved", "reject": "rejected"}.get(outcome or "", "done")
        label = labels.decision(outcome) if outcome else labels.event(event.kind)
        waited = detail.get("waited_seconds")
        by_rule = bool(detail.get("rule"))  # the rule's sentence says it; its stored comment is for the log
        return Entry(tone=tone, label=label, comment=None if by_rule else detail.get("comment"),
                     note=rule_reasons.approved(detail) if by_rule else "",
                     waited=duration(waited) if waited is not None else "", **base)
    if event.kind == "instance_started":
        return Entry(tone="start", label=labels.event(event.kind),
                     note=_("Version %(v)s", v=detail.get("version", "?")), **base)
    if event.kind == "task_created":
        group = labels.group(detail.get("candidate_group"))
        return Entry(tone="waiting", label=labels.event(event.kind),
                     note=_("Group: %(group)s", group=group) if group else "", **base)
    if event.kind == "instance_error":
        return Entry(tone="error", label=labels.event(event.kind), note=str(detail.get("error", "")) if technical
                     else _("An administrator has been told and can run the step again."), **base)
    if event.kind in ("task_delegated", "task_substituted"):  # the workplace's hand-overs, with the reason
        return Entry(tone="info", label=labels.event(event.kind), note=_("To %(who)s", who=person(detail.get("to"))),
                     comment=detail.get("reason") or None, **base)
    if event.kind == "rule_not_applied":
        return Entry(tone="info", label=labels.event(event.kind), note=rule_reasons.left_to_a_person(detail), **base)
    if event.kind in ("task_reassigned", "job_failed"):
        note = "; ".join(detail.get("reasons") or []) or detail.get("to") or (detail.get("error") if technical
                                                                             else "") or ""
        return Entry(tone="info", label=labels.event(event.kind), note=str(note), **base)
    tones = {"instance_completed": "finished", "instance_cancelled": "cancelled", "step_completed": "system",
             "instance_retried": "start"}
    return Entry(tone=tones.get(event.kind, "info"), label=labels.event(event.kind), **base)
