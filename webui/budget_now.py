"""The department's remaining budget as it is now, for an approver deciding today.

The flow's budget check stored what remained when it ran (`budget_check`); payment requests made since then
have used some of it. An open task shows the figure of now, and the one at the check beside it when they differ.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.finance import budget_status

from .extensions import db


def as_of_now(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with `budget_remaining` read again from finance (and `budget_at_check` when it has moved)."""
    check = data.get("budget_check")
    if not isinstance(check, Mapping) or not check.get("department") or not check.get("period"):
        return dict(data)
    remaining = budget_status(db.session, str(check["department"]), str(check["period"])).remaining
    if remaining is None or remaining == data.get("budget_remaining"):
        return dict(data)
    return {**data, "budget_remaining": remaining, "budget_at_check": data.get("budget_remaining")}
