"""The monthly report's operations: when this month's report is due, build and store the report.

The flow (processes/monthly_report) starts once a month, at midnight on the 1st
(`R/2026-01-01T00:00:00+08:00/P1M`); `plan_monthly_report` finds the month's first working day
by the working calendar (holidays and make-up days as the administrator keeps them) and the
moment on it the report is due, which the flow's date timer waits for. Plain BPMN cannot say
"first working day"; a monthly cycle plus this step can, the calendar stays the one source of
working days, and the instance list holds one run a month, waiting where it waits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from engine import InvalidData, Job, ServiceCall, add_job, automation, load_calendar

from .. import made_by_step
from .models import StoredReport
from .workbook import build

BUILD_JOB = "reports.build"


@dataclass(frozen=True)
class PlanMonthlyReport:
    at: str = "08:00"  # the local time of day on the first working day the report is built


@dataclass(frozen=True)
class CheckWorkingDay:
    pass


@dataclass(frozen=True)
class BuildMonthlyReport:
    month: str = ""  # YYYY-MM; empty: the month before today's


def first_working_day(session: Session, day: date) -> date:
    """The first working day of `day`'s month by the working calendar."""
    calendar, first = load_calendar(session), day.replace(day=1)
    while not calendar.is_working_day(first):
        first += timedelta(days=1)
    return first


def _local_day(session: Session, now: datetime) -> date:
    return (now + load_calendar(session).utc_offset).date()


def previous_month(day: date) -> str:
    return automation.month_of(datetime.combine(day.replace(day=1) - timedelta(days=1), datetime.min.time()))


def _time_of_day(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except (ValueError, TypeError):
        raise InvalidData({"at": f"{text!r} is not a time of day like 08:00"}) from None


def plan_monthly_report(call: ServiceCall, params: PlanMonthlyReport) -> dict[str, Any]:
    """This month's report: for which month, on which day, and when (`build_at`, for the flow's date timer).

    "This month" is the local one when the step runs: the instance starts at midnight on the 1st,
    and a scheduler that was down on the 1st runs it later that month, still this month's. A
    `build_at` already past (the scheduler came back after it) fires at once.
    """
    calendar, at = load_calendar(call.session), _time_of_day(params.at)
    today = (call.now + calendar.utc_offset).date()
    day = first_working_day(call.session, today)
    build_at = datetime.combine(day, at, timezone(calendar.utc_offset))
    return {"month": previous_month(today), "first_working_day": day.isoformat(),
            "build_at": build_at.isoformat()}


def check_working_day(call: ServiceCall, params: CheckWorkingDay) -> dict[str, Any]:
    """The daily check of the flow's versions before the monthly start: kept for their instances still waiting."""
    today = _local_day(call.session, call.now)
    return {"first_working_day": first_working_day(call.session, today) == today, "month": previous_month(today)}


def _validated(month: str) -> str:
    try:
        start = automation.month_start(month)
    except (ValueError, TypeError):
        raise InvalidData({"month": f"{month!r} is not a month like 2030-01"}) from None
    return automation.month_of(start)


def fill(session: Session, report: StoredReport, now: datetime) -> StoredReport:
    """Build the workbook of `report` into its row."""
    report.content = build(session, report.month, now)
    report.size, report.filename = len(report.content), f"opsflow-report-{report.month}.xlsx"
    report.status, report.finished_at = "done", now
    return report


def build_monthly_report(call: ServiceCall, params: BuildMonthlyReport) -> dict[str, Any]:
    """The flow's step; a retried step finds its report and builds nothing twice."""
    report = made_by_step(call, StoredReport)
    if report is None:
        month = _validated(params.month) if params.month else previous_month(_local_day(call.session, call.now))
        report = StoredReport(month=month, status="queued", requested_by=call.actor, instance_id=call.instance_id,
                              task_name=call.task_name, created_at=call.now)
        call.session.add(report)
        fill(call.session, report, call.now)
        call.session.flush()
    return {"report_id": report.id, "month": report.month, "size": report.size}


def request_report(session: Session, month: str, actor: str, now: datetime) -> StoredReport:
    """A manager asks for a report now: a queued row and the job that builds it; nothing built here."""
    report = StoredReport(month=_validated(month), status="queued", requested_by=actor, created_at=now)
    session.add(report)
    session.flush()
    job = add_job(session, BUILD_JOB, now, {"report": report.id}, max_attempts=3, now=now)
    session.flush()
    report.job_id = job.id
    return report


def run_build_job(engine: Any, session: Session, job: Job) -> None:
    """The `reports.build` job kind: build the queued report the job names, in the job's transaction."""
    report = session.get(StoredReport, int(job.payload["report"]))
    if report is not None and report.status != "done":
        fill(session, report, engine.clock())


def reports_page(session: Session, page: int, per_page: int) -> tuple[list[tuple[StoredReport, Job | None]], bool]:
    """Newest first, without the workbooks; True when there is a further page."""
    rows = session.execute(select(StoredReport, Job).outerjoin(Job, Job.id == StoredReport.job_id)
                           .options(defer(StoredReport.content))
                           .order_by(StoredReport.created_at.desc(), StoredReport.id.desc())
                           .offset((page - 1) * per_page).limit(per_page + 1)).all()
    return [(r, j) for r, j in rows[:per_page]], len(rows) > per_page
