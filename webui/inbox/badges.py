"""Due-soon and priority badges the inbox and task page draw."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from engine import utcnow

DUE_SOON = timedelta(hours=24)
PRIORITY_LABELS = {"low": _l("Low priority"), "normal": _l("Normal priority"), "high": _l("High priority"),
                   "urgent": _l("Urgent")}


def due_soon(due_at: datetime | None) -> bool:
    """Due within the next 24 hours (and not yet overdue)."""
    return due_at is not None and utcnow() <= due_at <= utcnow() + DUE_SOON


def priority_label(name: str | None) -> str:
    return str(PRIORITY_LABELS.get(name or "normal", name or ""))


def register(bp: Blueprint) -> None:
    bp.add_app_template_global(due_soon, "due_soon")
    bp.add_app_template_global(priority_label, "priority_label")
