"""When the month's report is due: the first working day by the working calendar, at the time the flow asks."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import InvalidData, ServiceCall, set_day
from modules.reports import PlanMonthlyReport, plan_monthly_report


def plan(session: Session, now: datetime, at: str = "08:00") -> dict[str, str]:
    call = ServiceCall(session, 1, "Task_plan_report", "system", "monthly_report", now=now)
    return plan_monthly_report(call, PlanMonthlyReport(at))


def test_a_working_first_is_the_day_itself(db: Engine) -> None:
    with Session(db) as session:  # Friday 1 March 2030, 00:00:01 in China
        assert plan(session, datetime(2030, 2, 28, 16, 0, 1)) == {
            "month": "2030-02", "first_working_day": "2030-03-01", "build_at": "2030-03-01T08:00:00+08:00"}


def test_holidays_and_weekends_move_it_on_and_a_make_up_working_day_counts(db: Engine) -> None:
    with Session(db) as session:
        for day in (date(2030, 10, 1), date(2030, 10, 2), date(2030, 10, 3), date(2030, 10, 4),
                    date(2030, 10, 7)):
            set_day(session, day, False, "National Day", "admin", datetime(2030, 9, 1))
        session.flush()  # Tuesday 1 October to Monday 7th off (a week-end between): Tuesday the 8th
        assert plan(session, datetime(2030, 9, 30, 16, 0, 1), "09:30")["build_at"] == "2030-10-08T09:30:00+08:00"
        set_day(session, date(2030, 10, 5), True, "调休", "admin", datetime(2030, 9, 1))
        session.flush()  # Saturday the 5th worked in exchange
        assert plan(session, datetime(2030, 9, 30, 16, 0, 1))["first_working_day"] == "2030-10-05"


def test_a_time_of_day_that_is_not_one_is_refused_by_name(db: Engine) -> None:
    with Session(db) as session, pytest.raises(InvalidData) as refused:
        plan(session, datetime(2030, 2, 28, 16, 0, 1), "eight")
    assert "at" in refused.value.errors
