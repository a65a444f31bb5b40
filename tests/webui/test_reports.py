"""The monthly report flow, fired by the real scheduler on a moved clock, and the Reports page that hands it out."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine import AuditEntry, Job, ProcessInstance, WorkflowEngine, set_day
from modules.reports import StoredReport
from rules import FactProviders, RuleStore
from tests.automation_history import make_history
from tests.conftest import Clock
from webui.extensions import db
from webui.scheduler import Scheduler


@pytest.fixture
def moved(app: Flask, engine: WorkflowEngine) -> tuple[WorkflowEngine, Scheduler, Clock]:
    """An engine and a scheduler on the app's database, on a clock the test moves; January 2030's history."""
    clock = Clock(datetime(2030, 1, 1))
    eng = WorkflowEngine(engine.db, engine.registry, clock=clock)
    make_history(eng, clock)
    with eng._write() as s:  # February 1st, a Friday, is a holiday: the first working day is Monday the 4th
        set_day(s, date(2030, 2, 1), False, "test holiday", "admin", clock.now)
    return eng, Scheduler(eng, RuleStore(engine.db, clock), FactProviders(), clock=clock), clock


def drain(scheduler: Scheduler) -> None:
    """Poll until the backlog is worked off (the demo company's own timers come due in 2030 too)."""
    for _ in range(50):
        if not scheduler.poll().more_due:
            return
    raise AssertionError("the scheduler kept finding more due")


def first_working_day_passes(scheduler: Scheduler, clock: Clock) -> None:
    """The scheduler arms the flow on January 31st; it fires on the holiday, then on Monday the 4th."""
    for clock.now in (datetime(2030, 1, 31, 2, 0), datetime(2030, 2, 1, 3, 0), datetime(2030, 2, 4, 3, 0)):
        drain(scheduler)


def _reports(eng: WorkflowEngine) -> list[StoredReport]:
    with eng.read() as s:
        return list(s.scalars(select(StoredReport).order_by(StoredReport.id)))


def _rows(content: bytes, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content), read_only=True)[sheet].iter_rows(values_only=True))


def test_the_scheduler_builds_last_months_report_on_the_first_working_day(moved) -> None:
    eng, scheduler, clock = moved
    clock.now = datetime(2030, 1, 31, 2, 0)
    drain(scheduler)  # armed: the first firing a day later
    clock.now = datetime(2030, 2, 1, 3, 0)  # 11:00 in China on the holiday
    drain(scheduler)
    assert _reports(eng) == []
    clock.now = datetime(2030, 2, 4, 3, 0)  # Monday 11:00 in China: the first working day
    drain(scheduler)
    drain(scheduler)  # a second poll builds nothing more
    [report] = _reports(eng)
    assert (report.month, report.status, report.requested_by) == ("2030-01", "done", "system")
    with eng.read() as s:
        flows = s.scalars(select(ProcessInstance.status).where(ProcessInstance.process_key == "monthly_report")).all()
    assert sorted(flows) == ["completed", "completed", "waiting"]  # the holiday, the 4th, and tomorrow's

    [header, *rows] = _rows(report.content, "Summary")
    assert header[:3] == ("Process", "Started", "Completed")
    [purchases] = [r for r in rows if r[0] == "purchase_approval"]
    assert purchases[1:6] == (7, 6, 3.0, 72.0, 1)  # started, completed, p50 h, p90 h, SLA breaches
    assert purchases[6:8] == (6, 2) and purchases[8] == pytest.approx(1 / 3)
    automation = {r[0]: r for r in _rows(report.content, "Automation")[1:]}
    assert len(automation) == 12 and automation["2030-01"][8] == pytest.approx(8.0)  # hours saved
    throughput = _rows(report.content, "Throughput")[1:]
    assert len(throughput) == 31 and sum(r[1] for r in throughput) == 7 + 1  # and the report flow armed on the 31st
    assert [r[1:3] for r in rows if r[0] == "monthly_report"] == [(1, 0)]


def test_the_reports_page_lists_downloads_and_audits(moved, app: Flask, login) -> None:
    eng, scheduler, clock = moved
    first_working_day_passes(scheduler, clock)
    [report] = _reports(eng)
    bob = login("bob")
    page = bob.get("/reports/").get_data(as_text=True)
    assert "2030-01" in page and f"/reports/{report.id}/download" in page
    got = bob.get(f"/reports/{report.id}/download")
    assert got.status_code == 200 and got.data == report.content
    assert bob.get("/reports/list.xlsx").status_code == 200
    assert bob.get("/reports/999999/download").status_code == 404
    assert bob.get("/reports/?page=0").status_code == 400
    with app.app_context():
        targets = db.session.scalars(select(AuditEntry.target).where(AuditEntry.action == "export",
                                                                     AuditEntry.actor == "bob")).all()
    assert f"/reports/{report.id}/download" in targets


def test_a_report_asked_for_now_is_a_job_the_scheduler_runs(moved, login) -> None:
    eng, scheduler, clock = moved
    bob = login("bob")
    assert bob.post("/reports/request", data={"month": "January"}).status_code == 400
    assert bob.post("/reports/request", data={"month": ""}).status_code == 400
    assert _reports(eng) == []  # nothing half-written
    assert bob.post("/reports/request", data={"month": "2030-01"}).status_code == 302
    [queued] = _reports(eng)
    assert (queued.status, queued.content, queued.requested_by) == ("queued", None, "bob")
    assert 'data-status="pending"' in bob.get("/reports/").get_data(as_text=True)
    with eng.read() as s:
        assert s.get(Job, queued.job_id).kind == "reports.build"
    clock.now = datetime(2030, 3, 1)
    drain(scheduler)
    [built] = _reports(eng)
    assert built.status == "done"
    [purchases] = [r for r in _rows(built.content, "Summary")[1:] if r[0] == "purchase_approval"]
    assert purchases[1:3] == (7, 6)
    assert 'data-status="done"' in bob.get("/reports/").get_data(as_text=True)


def test_an_outsider_is_refused(moved, app: Flask, login) -> None:
    eng, scheduler, clock = moved
    first_working_day_passes(scheduler, clock)
    [report] = _reports(eng)
    alice = login("alice")
    for url in ("/reports/", "/reports/list.xlsx", f"/reports/{report.id}/download"):
        assert alice.get(url).status_code == 403, url
    assert alice.post("/reports/request", data={"month": "2030-01"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredReport)) == 1
    assert "nav-reports" not in alice.get("/inbox/").get_data(as_text=True)
    assert "nav-reports" in login("bob").get("/inbox/").get_data(as_text=True)


def test_the_monitor_shows_the_automation_figures_and_exports_them(moved, login) -> None:
    bob = login("bob")
    page = bob.get("/monitor/automation?to=2030-01").get_data(as_text=True)
    assert 'data-month="2030-01"' in page and 'data-month="2029-02"' in page and 'data-month="2029-01"' not in page
    got = bob.get("/monitor/automation.xlsx?to=2030-01&process=purchase_approval")
    assert got.status_code == 200
    rows = {r[0]: r for r in list(load_workbook(io.BytesIO(got.data), read_only=True).active
                                  .iter_rows(values_only=True))[1:]}
    assert len(rows) == 12
    assert rows["2030-01"][1:3] == (6, 2) and rows["2030-01"][3] == pytest.approx(1 / 3)
    assert rows["2030-01"][6:9] == (2.0, 6.0, 8.0)  # rule median, manual median, hours saved
    assert bob.get("/monitor/automation?to=soon").status_code == 400
    assert login("alice").get("/monitor/automation").status_code == 403
    assert login("alice").get("/monitor/automation.xlsx").status_code == 403
