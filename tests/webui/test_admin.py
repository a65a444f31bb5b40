"""Admin pages: incidents with retry/skip, rule sets with draft, publish and backtest; the scheduler's poll and CLI."""
from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from engine import HumanTask, Job, WorkflowEngine, add_job, utcnow
from webui.admin import incidents
from webui.scheduler import scheduler_of

SMALL = [{"name": "small", "decision": "approve", "when": [{"fact": "amount", "op": "<", "value": 5000}]}]


def failed_job(engine: WorkflowEngine, instance_id: int) -> int:
    with engine._write() as s:
        job = add_job(s, "no-such-kind", utcnow() - timedelta(seconds=1), instance_id=instance_id, max_attempts=1)
        s.flush()
        job_id = job.id
    report = engine_runner_poll(engine)
    assert report.failed == 1
    return job_id


def engine_runner_poll(engine: WorkflowEngine):  # noqa: ANN201
    from engine import JobRunner

    return JobRunner(engine).run_due(utcnow(), "test")


def test_only_administrators_see_admin_pages(login: Callable) -> None:
    alice = login("alice")
    assert alice.get("/admin/incidents").status_code == 403
    assert alice.get("/admin/rules").status_code == 403
    assert login("admin").get("/admin/incidents").status_code == 200


def test_an_incident_is_listed_and_retried_or_skipped_with_an_audit(
        login: Callable, engine: WorkflowEngine, purchase: Callable[..., int]) -> None:
    instance_id = purchase()
    first, second = failed_job(engine, instance_id), failed_job(engine, instance_id)
    admin = login("admin")
    page = admin.get("/admin/incidents").get_data(as_text=True)
    assert "LookupError: no handler for job kind &#39;no-such-kind&#39;" in page
    assert f'data-job="{first}"' in page and f'data-job="{second}"' in page
    export = admin.get("/admin/incidents/export.xlsx")
    assert export.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [second, first]
    assert admin.post(f"/admin/incidents/jobs/{first}/retry").status_code == 302
    assert admin.post(f"/admin/incidents/jobs/{second}/skip").status_code == 302
    assert "is no longer an incident" in admin.post(f"/admin/incidents/jobs/{second}/skip",
                                                      follow_redirects=True).get_data(as_text=True)
    with engine.read() as s:
        assert (s.get(Job, first).status, s.get(Job, second).status) == ("pending", "skipped")
    history = [(e.kind, e.actor) for e in engine.get(instance_id).history if e.kind.startswith("job_")]
    assert history == [("job_failed", "system"), ("job_failed", "system"), ("job_retried", "admin"),
                       ("job_skipped", "admin")]


def test_the_incidents_page_says_when_it_shows_only_the_newest(
        login: Callable, engine: WorkflowEngine, purchase: Callable[..., int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incidents, "SHOWN", 1)
    instance_id = purchase()
    failed_job(engine, instance_id)
    page = login("admin").get("/admin/incidents").get_data(as_text=True)
    assert 'data-testid="more-job-incidents"' not in page
    newest = failed_job(engine, instance_id)
    page = login("admin").get("/admin/incidents").get_data(as_text=True)
    assert page.count('data-testid="job-incident"') == 1 and f'data-job="{newest}"' in page
    assert 'data-testid="more-job-incidents"' in page


def decided_manager_tasks(engine: WorkflowEngine) -> tuple[int, int]:
    """How many manager approvals the demo data holds, and how many of them were under 5,000."""
    with engine.read() as s:
        rows = s.execute(select(HumanTask.instance_id).where(
            HumanTask.process_key == "purchase_approval", HumanTask.task_name == "Task_manager_approval",
            HumanTask.status == "completed")).scalars().all()
    amounts = [engine.get(i).data.get("amount") for i in rows]
    return len(rows), sum(1 for a in amounts if isinstance(a, (int, float)) and a < 5000)


def demo_rule_set(app: Flask) -> int:
    """The rule set a new install has: the purchase manager's approval by rule."""
    [rule_set] = [rs for rs in app.extensions["opsflow.rules"].rule_sets() if rs.process_key == "purchase_approval"]
    return rule_set.id


def test_rules_are_drafted_checked_published_and_backtested(app: Flask, login: Callable,
                                                            engine: WorkflowEngine) -> None:
    admin = login("admin")
    created = admin.post("/admin/rules", data={"name": "Expense claims", "process_key": "expense_reimbursement",
                                               "task_name": "Task_manager_approval"})
    assert created.status_code == 302
    again = admin.post("/admin/rules", data={"name": "Twice", "process_key": "purchase_approval",
                                             "task_name": "Task_manager_approval"}, follow_redirects=True)
    assert "a rule set for purchase_approval/Task_manager_approval already exists" in again.get_data(as_text=True)
    page_url = f"/admin/rules/{demo_rule_set(app)}"
    bad = admin.post(f"{page_url}/draft", data={"rules": json.dumps([{"name": "x", "decision": "yes",
                                                                      "when": []}])})
    assert bad.status_code == 422
    assert "rules[0].decision: must be one of approve, never" in bad.get_data(as_text=True)
    assert admin.post(f"{page_url}/draft", data={"rules": "[{"}).status_code == 422
    assert admin.post(f"{page_url}/draft", data={"rules": json.dumps(SMALL)}).status_code == 302
    assert admin.post(f"{page_url}/publish", data={}).status_code == 302
    page = admin.get(page_url).get_data(as_text=True)
    assert "live: version 2" in page and "published v2" in page and "draft_saved v2" in page
    result = admin.get(f"{page_url}/backtest?days=30").get_data(as_text=True)
    total, small = decided_manager_tasks(engine)
    assert f'data-testid="bt-total">{total}<' in result and f'data-testid="bt-auto">{small} (' in result
    assert admin.get(f"{page_url}/backtest?days=abc").status_code == 422
    listing = admin.get("/admin/rules").get_data(as_text=True)
    assert "Expense claims" in listing and "v2" in listing


def test_the_schedule_is_a_crontab_checked_field_by_field(app: Flask, login: Callable) -> None:
    admin = login("admin")
    rule_set_id = demo_rule_set(app)
    page_url = f"/admin/rules/{rule_set_id}"
    assert '<code data-testid="rule-set-schedule">* * * * *</code>' in admin.get("/admin/rules").get_data(as_text=True)
    bad = admin.post(f"{page_url}/schedule", data={"schedule": "0 25 * * *"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "schedule: hour &#39;25&#39;:" in text and 'value="0 25 * * *"' in text
    assert "3 fields given" in admin.post(f"{page_url}/schedule", data={"schedule": "*/5 * *"}).get_data(as_text=True)
    assert admin.post(f"{page_url}/schedule", data={"schedule": "30  9 * * 1-5"}).status_code == 302
    page = admin.get(page_url).get_data(as_text=True)
    assert 'value="30 9 * * 1-5"' in page and "schedule_changed v0" in page
    with app.app_context():
        store = app.extensions["opsflow.rules"]
        [rule_set] = [rs for rs in store.rule_sets() if rs.id == rule_set_id]
        next_run = store.next_runs()[rule_set_id]
    assert rule_set.schedule == "30 9 * * 1-5"
    local = next_run.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))  # the demo's time zone
    assert (local.hour, local.minute, local.isoweekday() <= 5) == (9, 30, True)
    assert local - utcnow().replace(tzinfo=UTC) <= timedelta(days=3, minutes=1)


def test_the_scheduler_poll_approves_by_rule_and_the_instance_page_shows_it(
        app: Flask, login: Callable, engine: WorkflowEngine, purchase: Callable[..., int]) -> None:
    admin = login("admin")
    page_url = f"/admin/rules/{demo_rule_set(app)}"
    admin.post(f"{page_url}/draft", data={"rules": json.dumps(SMALL)})
    admin.post(f"{page_url}/publish", data={})
    small = purchase(quantity=1, unit_price=800.0)
    scheduler = scheduler_of(app)
    scheduler.clock = lambda: utcnow() + timedelta(minutes=1)  # the planned run has come
    report = scheduler.poll()
    assert (report.rule_sets_run, report.auto_approved) == (1, 1)
    view = engine.get(small)
    assert view.status == "completed"
    page = admin.get(f"/instances/{small}").get_data(as_text=True)
    assert "Automatic approver (rule set “Purchases under ¥5,000”)" in page
    assert "Approved automatically by the rule “small”: the amount is CN¥800.00." in page
    assert scheduler.poll().rule_sets_run == 0  # the next run is planned for the minute after
    assert re.search(r'data-testid="last-run">[^<]*checked \d+, approved 1, left to people \d+',
                     admin.get(page_url).get_data(as_text=True))


def test_cli_rules_list_schedule_run_and_backtest(app: Flask, login: Callable, purchase: Callable[..., int]) -> None:
    admin = login("admin")
    rule_set_id = str(demo_rule_set(app))
    admin.post(f"/admin/rules/{rule_set_id}/draft", data={"rules": json.dumps(SMALL)})
    runner = app.test_cli_runner()
    out = runner.invoke(args=["rules", "backtest", rule_set_id, "--days", "7"])
    assert out.exit_code == 0, out.output
    total, small = decided_manager_tasks(app.extensions["opsflow.engine"])
    assert f"{total} decisions, {small} would be automatic" in out.output
    admin.post(f"/admin/rules/{rule_set_id}/publish", data={})
    purchase(quantity=1, unit_price=800.0)
    out = runner.invoke(args=["rules", "run"])
    assert out.exit_code == 0, out.output
    assert "approved 1" in out.output
    out = runner.invoke(args=["rules", "schedule", rule_set_id, "0 9 * * 8"])
    assert out.exit_code == 1 and "schedule: day of week '8'" in out.output
    out = runner.invoke(args=["rules", "schedule", rule_set_id, "*/10 * * * *"])
    assert out.exit_code == 0 and "*/10 * * * * (Asia/Shanghai), next run" in out.output, out.output
    out = runner.invoke(args=["rules", "list"])
    assert f"{rule_set_id}\tPurchases under ¥5,000\tpurchase_approval/Task_manager_approval\t*/10 * * * *" in out.output
    out = runner.invoke(args=["scheduler", "--once"])
    assert out.exit_code == 0 and "PollReport" in out.output


def test_the_admin_enters_a_holiday_and_removes_it(login: Callable) -> None:
    admin = login("admin")
    assert 'data-testid="no-calendar-days"' in admin.get("/admin/calendar").get_data(as_text=True)
    admin.post("/admin/calendar", data={"day": "2030-10-01", "working": "0", "name": "National Day"})
    admin.post("/admin/calendar", data={"day": "2030-09-28", "working": "1", "name": "make-up day"})
    bad = admin.post("/admin/calendar", data={"day": "tomorrow"}, follow_redirects=True).get_data(as_text=True)
    assert "day: not a date" in bad
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert 'data-day="2030-10-01"' in page and "National Day" in page and "Working day" in page
    admin.post("/admin/calendar/2030-10-01/delete")
    assert 'data-day="2030-10-01"' not in admin.get("/admin/calendar").get_data(as_text=True)
    assert login("alice").get("/admin/calendar").status_code == 403


def test_the_embedded_scheduler_polls_in_the_background(app: Flask, engine: WorkflowEngine) -> None:
    import threading

    scheduler = scheduler_of(app)
    ran = threading.Event()
    scheduler.runner.register("ping", lambda session, job: ran.set())
    with engine._write() as s:
        add_job(s, "ping", utcnow() - timedelta(seconds=1))
    scheduler.poll_seconds = 0.05
    scheduler.start_background()
    try:
        assert ran.wait(timeout=10), "the background scheduler never ran the due job"
    finally:
        scheduler.shutdown()


def test_an_overdue_reminder_reaches_the_group_as_a_notification(
        app: Flask, engine: WorkflowEngine, purchase: Callable[..., int]) -> None:
    from engine.workplace.notifications import recent
    from rules.escalation import escalate, set_policy

    store = app.extensions["opsflow.rules"]
    set_policy(store, "IT-managers", "carol", 4, "admin")
    instance_id = purchase()
    [task] = [t for t in engine.get(instance_id).tasks if t.status == "open"]
    assert escalate(engine, store, task.due_at + timedelta(hours=1)).reminded >= 1
    assert any(n.kind == "overdue" and n.task_id == task.id for n in recent(engine, "bob"))
    escalate(engine, store, task.due_at + timedelta(hours=5))
    assert any(n.kind == "task_assigned" and n.task_id == task.id for n in recent(engine, "carol"))
