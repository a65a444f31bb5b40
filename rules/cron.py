"""When a rule set runs: a five-field crontab expression, read by APScheduler's CronTrigger.

`minute hour day-of-month month day-of-week`, in the business's time zone
(OPSFLOW_TIMEZONE), so "0 9 * * 1-5" means nine in the morning on working days
where the approvers are. Day-of-week numbers count from Sunday = 0 (7 is Sunday
too) as in crontab; APScheduler 3 counts from Monday, so numbers are turned into
day names before it sees them.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from engine import utcnow

from .evaluation import RuleError

DEFAULT_SCHEDULE = "* * * * *"
FIELDS = ("minute", "hour", "day", "month", "day_of_week")
LABELS = ("minute", "hour", "day of month", "month", "day of week")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMERIC_DAYS = re.compile(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?")


def _weekdays(field: str) -> str:
    """Crontab weekday numbers (Sunday = 0 or 7) as APScheduler day names; names pass through."""
    parts = []
    for part in field.split(","):
        m = _NUMERIC_DAYS.fullmatch(part)
        if m is None:
            parts.append(part)
            continue
        first, last = (0, 6) if m[1] == "*" else (int(m[2]), int(m[3] or m[2]))
        if max(first, last) > 7 or first > last:
            raise ValueError(f"{part!r} is not a range of days 0-7 (0 and 7 are Sunday)")
        step = int(m[4] or 1)
        if step < 1:
            raise ValueError(f"step {step} must be at least 1")
        parts.extend(_DAYS[day] for day in range(first, last + 1, step))
    return ",".join(dict.fromkeys(parts))


def trigger(schedule: str, timezone: str = "UTC") -> CronTrigger:
    """The CronTrigger for `schedule`; RuleError naming the crontab field that is wrong."""
    values = schedule.split()
    if len(values) != len(FIELDS):
        raise RuleError([f"schedule: {len(values)} fields given; a crontab schedule has 5: "
                         "minute hour day-of-month month day-of-week"])
    kwargs = {}
    for name, label, value in zip(FIELDS, LABELS, values, strict=True):
        try:
            kwargs[name] = _weekdays(value) if name == "day_of_week" else value
            CronTrigger(**{name: kwargs[name]}, timezone=UTC)
        except ValueError as exc:
            raise RuleError([f"schedule: {label} {value!r}: {exc}"]) from None
    return CronTrigger(**kwargs, timezone=ZoneInfo(timezone))


def check(schedule: str) -> str:
    """The schedule with its fields single-spaced, if CronTrigger accepts it and it ever fires."""
    normal = " ".join(schedule.split())
    next_run(normal, utcnow())
    return normal


def next_run(schedule: str, now: datetime, timezone: str = "UTC") -> datetime:
    """The first fire time at or after `now` (naive UTC in, naive UTC out)."""
    fire = trigger(schedule, timezone).get_next_fire_time(None, now.replace(tzinfo=UTC))
    if fire is None:  # a date that never comes, such as 30 February
        raise RuleError([f"schedule: {schedule!r} never fires"])
    return fire.astimezone(UTC).replace(tzinfo=None)
