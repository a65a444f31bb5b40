"""The monthly report flow, fired by the real scheduler on a moved clock, and the Reports page that hands it out."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine import AuditEntry, Bundle, Job, ProcessInstance, WorkflowEngine, set_day
from engine.parser import SourceFile
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
    """The scheduler arms the flow on January 31st; it starts at midnight on the 1st (a holiday), builds on the 4th."""
    for clock.now in (datetime(2030, 1, 31, 2, 0), datetime(2030, 2, 1, 3, 0), datetime(2030, 2, 4, 3, 0)):
        drain(scheduler)


def _reports(eng: WorkflowEngine) -> list[StoredReport]:
    with eng.read() as s:
        return list(s.scalars(select(StoredReport).order_by(StoredReport.id)))


def _rows(content: bytes, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content), read_only=True)[sheet].iter_rows(values_only=True))


def _ids(eng: WorkflowEngine) -> list[int]:
    with eng.read() as s:
        return list(s.scalars(select(ProcessInstance.id).where(ProcessInstance.process_key == "monthly_report")
                              .order_by(ProcessInstance.id)))


def _flows(eng: WorkflowEngine) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each monthly report instance: its status and the timers it waits on (element, due in UTC)."""
    ids = _ids(eng)
    with eng.read() as s:
        jobs = s.scalars(select(Job).where(Job.kind == "timer", Job.status == "pending",
                                           Job.instance_id.in_(ids))).all()
    waits = {i: sorted((j.payload["element"], j.due_at.isoformat()) for j in jobs if j.instance_id == i)
             for i in ids}
    return [(eng.get(i).status, waits[i]) for i in ids]


def test_one_run_a_month_waits_for_the_first_working_day_then_builds_last_months_report(moved) -> None:
    """February 2030 begins with a holiday (Friday the 1st) and a weekend: the report is due Monday the 4th."""
    eng, scheduler, clock = moved
    clock.now = datetime(2030, 1, 31, 2, 0)
    drain(scheduler)  # armed for midnight on the 1st in China, 16:00 UTC on the 31st
    assert _flows(eng) == [("waiting", [("Start_monthly", "2030-01-31T16:00:00")])]
    clock.now = datetime(2030, 1, 31, 15, 59)
    drain(scheduler)
    assert len(_flows(eng)) == 1

    clock.now = datetime(2030, 1, 31, 16, 0, 1)  # 00:00:01 on 1 February in China, the holiday
    drain(scheduler)
    # February's run waits for 08:00 on Monday the 4th in China (00:00 UTC); March's is armed
    assert _flows(eng) == [("waiting", [("Timer_first_working_day", "2030-02-04T00:00:00")]),
                           ("waiting", [("Start_monthly", "2030-02-28T16:00:00")])]
    february, _march = _ids(eng)
    plan = eng.get(february).data["plan"]
    assert plan == {"month": "2030-01", "first_working_day": "2030-02-04", "build_at": "2030-02-04T08:00:00+08:00"}
    for clock.now in (datetime(2030, 2, 1, 3, 0), datetime(2030, 2, 2, 3, 0), datetime(2030, 2, 3, 23, 59)):
        drain(scheduler)  # the holiday, the weekend, and a minute before eight on Monday in China
    assert _reports(eng) == [] and len(_flows(eng)) == 2

    clock.now = datetime(2030, 2, 4, 0, 0, 1)
    drain(scheduler)
    for day in range(5, 28):  # the rest of the month: nothing more starts, nothing more is built
        clock.now = datetime(2030, 2, day, 3, 0)
        drain(scheduler)
    [report] = _reports(eng)
    assert (report.month, report.status, report.requested_by, report.instance_id) == ("2030-01", "done", "system",
                                                                                      february)
    assert _flows(eng) == [("completed", []), ("waiting", [("Start_monthly", "2030-02-28T16:00:00")])]

    [header, *rows] = _rows(report.content, "Summary")
    assert header[:3] == ("Process", "Started", "Completed")
    [purchases] = [r for r in rows if r[0] == "purchase_approval"]
    assert purchases[1:6] == (7, 6, 3.0, 72.0, 1)  # started, completed, p50 h, p90 h, SLA breaches
    assert purchases[6:8] == (6, 2) and purchases[8] == pytest.approx(1 / 3)
    automation = {r[0]: r for r in _rows(report.content, "Automation")[1:]}
    assert len(automation) == 12 and automation["2030-01"][8] == pytest.approx(8.0)  # hours saved
    throughput = _rows(report.content, "Throughput")[1:]
    assert len(throughput) == 31 and sum(r[1] for r in throughput) == 7 + 2  # and the report flow's two runs
    assert [r[1:3] for r in rows if r[0] == "monthly_report"] == [(2, 0)]

    # March 1st 2030 is a Friday, a working day: March's run builds February's report at 08:00 that day
    clock.now = datetime(2030, 2, 28, 16, 0, 1)
    drain(scheduler)
    assert _flows(eng)[1] == ("waiting", [("Timer_first_working_day", "2030-03-01T00:00:00")])
    clock.now = datetime(2030, 3, 1, 0, 0, 1)
    drain(scheduler)
    assert [r.month for r in _reports(eng)] == ["2030-01", "2030-02"]
    assert [status for status, _ in _flows(eng)] == ["completed", "completed", "waiting"]


def test_the_monthly_flow_deployed_over_the_daily_one_takes_over_after_its_last_day(moved) -> None:
    """A system armed with the daily version (one instance a day) gets the monthly one: the daily instance
    waiting then fires once more and ends, and from then on there is one run a month."""
    eng, scheduler, clock = moved
    daily = Path(__file__).with_name("monthly_report_daily.bpmn").read_bytes()
    shipped = Path(__file__).resolve().parents[2] / "processes" / "monthly_report" / "monthly_report.bpmn"
    eng.deploy_bundle(Bundle(SourceFile("monthly_report.bpmn", daily), (), ()))
    clock.now = datetime(2030, 1, 30, 2, 0)
    drain(scheduler)
    assert _flows(eng) == [("waiting", [("Start_daily", "2030-01-31T02:00:00")])]
    eng.deploy_bundle(Bundle(SourceFile("monthly_report.bpmn", shipped.read_bytes()), (), ()))
    drain(scheduler)
    assert _flows(eng)[1] == ("waiting", [("Start_monthly", "2030-01-31T16:00:00")])

    for clock.now in (datetime(2030, 1, 31, 2, 0, 1), datetime(2030, 2, 1, 3, 0), datetime(2030, 2, 4, 3, 0),
                      datetime(2030, 2, 5, 3, 0)):
        drain(scheduler)
    with eng.read() as s:
        versions = s.scalars(select(ProcessInstance.definition_id).where(
            ProcessInstance.process_key == "monthly_report").order_by(ProcessInstance.id)).all()
    assert len(set(versions)) == 2 and versions[0] != versions[1] == versions[2]  # one daily run, then monthly
    assert [status for status, _ in _flows(eng)] == ["completed", "completed", "waiting"]
    assert [r.month for r in _reports(eng)] == ["2030-01"]


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
