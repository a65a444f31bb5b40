"""Working-time calendars: due times that count working hours only.

Weekends and public holidays do not count; a Chinese make-up working day (调休, a Saturday
worked in exchange for a longer holiday) does. The exceptions are rows an administrator
edits (`calendar_days`); weekends need no rows. A user task with the property
`due_in_working` (`"PT16H"`, `"P2D"`) gets its due time from here: hours count within the
working day (09:00–18:00 local time by default), days count whole working days.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .errors import InvalidData
from .models import Base, HumanTask

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


class CalendarDay(Base):
    """An exception to the Monday–Friday week: a holiday (not working) or a make-up working day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100), default="")
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


def parse_working_duration(text: str) -> tuple[int, timedelta]:
    """`"P2DT4H30M"` → (2 working days, 4h30m of working hours); anything else is refused by name."""
    match = _DURATION.match(text.strip().upper()) if text else None
    if not match or not any(match.groups()):
        raise InvalidData({"due_in_working": f"{text!r} is not a duration like P2D, PT16H or P1DT4H"})
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days, timedelta(hours=hours, minutes=minutes)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    day_start: time = time(9)
    day_end: time = time(18)
    utc_offset: timedelta = timedelta(hours=8)  # China Standard Time has no daylight saving

    def is_working_day(self, day: date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)

    def _next_working_start(self, local: datetime) -> datetime:
        """`local` if it is within working hours, else the start of the next working period."""
        day = local.date()
        if self.is_working_day(day) and local.time() < self.day_end:
            return max(local, datetime.combine(day, self.day_start))
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.day_start)

    def add(self, start: datetime, days: int = 0, hours: timedelta = timedelta()) -> datetime:
        """`start` (naive UTC) plus `days` working days and `hours` of working time, in naive UTC."""
        local = self._next_working_start(start + self.utc_offset)
        for _ in range(days):  # a working day later, at the same time of day
            day = local.date() + timedelta(days=1)
            while not self.is_working_day(day):
                day += timedelta(days=1)
            local = datetime.combine(day, local.time())
        remaining = hours
        while remaining > timedelta():
            end_of_day = datetime.combine(local.date(), self.day_end)
            if local + remaining <= end_of_day:
                local += remaining
                break
            remaining -= end_of_day - local
            local = self._next_working_start(end_of_day)
        return local - self.utc_offset


    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working time between two naive UTC moments: how late a task is, counted as its due time was."""
        total, local, stop = timedelta(), start + self.utc_offset, end + self.utc_offset
        while local < stop:
            local = self._next_working_start(local)
            if local >= stop:
                break
            end_of_day = datetime.combine(local.date(), self.day_end)
            total += min(end_of_day, stop) - local
            local = end_of_day
        return total


def lateness(session: Session, due_at: datetime | None, completed_at: datetime) -> float | None:
    """Seconds of working time a completion came after its due time (0 on time; None without a due time)."""
    if due_at is None:
        return None
    if completed_at <= due_at:
        return 0.0
    return load(session).working_time(due_at, completed_at).total_seconds()


def load(session: Session) -> WorkCalendar:
    rows = session.execute(select(CalendarDay.day, CalendarDay.working)).all()
    return WorkCalendar(holidays=frozenset(d for d, w in rows if not w),
                        workdays=frozenset(d for d, w in rows if w))


def set_day(session: Session, day: date, working: bool, name: str, actor: str, now: datetime) -> None:
    row = session.get(CalendarDay, day) or CalendarDay(day=day)
    row.working, row.name, row.updated_by, row.updated_at = working, name[:100], actor, now
    session.add(row)


def apply_working_due(session: Session, rows: list[HumanTask], ready: dict[str, Any], now: datetime) -> None:
    """Give new task rows whose spec asks for `due_in_working` a due time in working time."""
    calendar: WorkCalendar | None = None
    for row in rows:
        spec = ready[row.id].task_spec
        value = ((getattr(spec, "extensions", None) or {}).get("properties") or {}).get("due_in_working")
        if value:
            calendar = calendar or load(session)
            days, hours = parse_working_duration(value)
            row.due_at = calendar.add(now, days, hours)
