"""The monthly report's operations: is today the month's first working day, build and store the report.

The flow (processes/monthly_report) fires every day (`R/P1D`; a cycle with a start date in
the past would make SpiffWorkflow replay every missed day at once); `check_working_day`
tells it whether today is the first working day of the month by the working calendar (holidays
and make-up days as the administrator keeps them), so the report comes on that day and only
then, whatever the calendar does to the 1st. Plain BPMN cannot say "first working day"; a
daily cycle plus this check can, and the calendar stays the one source of working days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from engine import InvalidData, Job, ServiceCall, add_job, automation, load_calendar

from .. import made_by_step
from .models import StoredReport
from .workbook import build

BUILD_JOB = "reports.build"


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


def check_working_day(call: ServiceCall, params: CheckWorkingDay) -> dict[str, Any]:
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
