"""Working-time due dates: weekends and holidays do not count, make-up working days do."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from tiny_bpmn import bundle, linear, user

from engine import Actor, InvalidData, WorkflowEngine
from engine.work_calendar import WorkCalendar, parse_working_duration, set_day

CST = timedelta(hours=8)
NATIONAL_DAY = frozenset(date(2030, 10, d) for d in range(1, 8))  # 国庆 Tue 1 – Mon 7 October 2030


def utc(local: str) -> datetime:
    """A China Standard Time wall-clock time as the naive UTC the engine stores."""
    return datetime.fromisoformat(local) - CST


@pytest.mark.parametrize(("start", "duration", "due"), [
    ("2030-09-02 10:00", "PT4H", "2030-09-02 14:00"),             # Monday, within the day
    ("2030-09-02 16:00", "PT4H", "2030-09-03 11:00"),             # 2h today, 2h tomorrow
    ("2030-09-06 17:00", "PT2H", "2030-09-09 10:00"),             # Friday evening → Monday
    ("2030-09-07 11:00", "PT1H", "2030-09-09 10:00"),             # started on Saturday
    ("2030-09-02 20:00", "PT1H", "2030-09-03 10:00"),             # after hours
    ("2030-09-02 08:00", "PT1H", "2030-09-02 10:00"),             # before hours
    ("2030-09-06 10:00", "P1D", "2030-09-09 10:00"),              # one working day from Friday
    ("2030-09-30 10:00", "P1D", "2030-10-08 10:00"),              # over the National Day holiday
    ("2030-09-27 17:00", "PT2H", "2030-09-28 10:00"),             # Saturday 28th is a make-up working day
])
def test_working_time_due_dates(start: str, duration: str, due: str) -> None:
    calendar = WorkCalendar(holidays=NATIONAL_DAY, workdays=frozenset({date(2030, 9, 28)}))
    days, hours = parse_working_duration(duration)
    assert calendar.add(utc(start), days, hours) == utc(due)


@pytest.mark.parametrize("bad", ["", "2 days", "PT", "P1W", "PT-1H"])
def test_bad_durations_are_refused_naming_the_property(bad: str) -> None:
    with pytest.raises(InvalidData) as err:
        parse_working_duration(bad)
    assert "due_in_working" in str(err.value.errors if hasattr(err.value, "errors") else err.value)


def test_a_user_task_due_in_working_time_uses_the_holidays_the_admin_entered(db: Engine) -> None:
    now = [utc("2030-09-30 17:00")]  # Monday before National Day
    eng = WorkflowEngine(db, clock=lambda: now[0])
    xml = linear("sla", user("review", "clerks", due_in="PT8H")).replace('name="due_in"', 'name="due_in_working"')
    eng.deploy_bundle(bundle(xml))
    with eng._write() as session:
        for day in NATIONAL_DAY:
            set_day(session, day, False, "国庆节", "admin", now[0])
    inst = eng.start("sla", {}, Actor("alice"))
    assert eng.get(inst.id).tasks[0].due_at == utc("2030-10-08 16:00")  # 1h on 30 Sep, 7h on 8 Oct
