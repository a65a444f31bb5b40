"""`opsflow seed-history`: months of finished purchase requests, so the monitor opens on real figures."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from engine import Event, HumanTask, ProcessInstance, ServiceRegistry, WorkflowEngine, analytics, utcnow
from tests.conftest import PROCESSES
from webui.extensions import db, workflow_engine


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(HumanTask).where(*where))


def test_seed_history_writes_months_of_realistic_requests(cli_app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["seed-history", "--instances", "10"]).exit_code != 0, "nothing deployed yet"
    runner.invoke(args=["deploy"])
    result = runner.invoke(args=["seed-history", "--instances", "1500", "--months", "4"])
    assert result.exit_code == 0, result.output
    assert "1500 finished requests with" in result.output
    with cli_app.app_context():
        instances = db.session.scalars(select(ProcessInstance)).all()
        assert len(instances) == 1500 and {i.status for i in instances} == {"completed"}
        now = utcnow()
        assert min(i.created_at for i in instances) < now - timedelta(days=90), "months of history"
        assert max(i.ended_at for i in instances) <= now, "nothing finishes in the future"
        outcomes = {i.summary["outcome"] for i in instances}
        assert outcomes == {"approved", "rejected"}
        tasks = db.session.scalar(select(func.count()).select_from(HumanTask))
        by_rule = _count(HumanTask.completed_by == "system")
        assert 0.1 * 1500 < by_rule < 0.5 * 1500, "small requests approved by rule"
        assert _count(HumanTask.outcome == "reject") > 50
        assert _count(HumanTask.task_name == "Task_revise_request") > 10
        assert _count(HumanTask.late_working_seconds > 0) > 10, "the slow tail breaches its due time"
        assert db.session.scalar(select(func.count()).select_from(Event)) > 3 * 1500
        with workflow_engine().read() as session:
            [manager] = [s for s in analytics.step_timings(session, now - timedelta(days=365), now)
                         if s.step == "Task_manager_approval"]
        assert by_rule < manager.completed < tasks
        assert 3600 < manager.wait_p50_s < manager.wait_p90_s, "waits of hours, a long tail"
        assert manager.work_p50_s < manager.wait_p50_s
        view = workflow_engine().get(instances[0].id)
        assert view.data["item"] and view.history[0].kind == "instance_started"


def test_the_monitor_and_a_history_request_open_on_it(cli_app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["deploy"])
    runner.invoke(args=["seed-demo"])
    assert runner.invoke(args=["seed-history", "--instances", "300"]).exit_code == 0
    client = cli_app.test_client()
    client.post("/login", data={"username": "bob", "password": "demo"})
    html = client.get("/monitor/?days=365").get_data(as_text=True)
    spread = html.split('data-testid="spread-table"')[1].split("</table>")[0]
    assert "< 1 min" not in spread.split('data-step="Task_manager_approval"')[1].split("</tr>")[0]
    with cli_app.app_context():
        oldest = db.session.scalar(select(ProcessInstance.id).where(ProcessInstance.state == "")
                                   .where(ProcessInstance.department == "IT").order_by(ProcessInstance.id).limit(1))
    page = client.get(f"/instances/{oldest}")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]


def test_the_demo_set_up_writes_its_history_once(cli_app: Flask) -> None:
    from webui.cli import prepare
    from webui.demo_history import history_count

    prepare(cli_app, history=120)
    prepare(cli_app, history=120)
    with cli_app.app_context():
        assert history_count(db.engine) == 120
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) > 120, "and the demo requests"


def test_the_history_written_is_in_the_monitors_rollups_at_once(db: Engine, registry: ServiceRegistry) -> None:
    """The figures over the roll-ups the writer leaves are those of the tables, after a second write too."""
    from engine.rollups import RollupState, TaskDay
    from webui.demo_history import HistoryWriter

    WorkflowEngine(db, registry).deploy_path(PROCESSES / "purchase_approval")
    now = utcnow()
    for instances in (400, 150):
        HistoryWriter(db, now, months=3, seed=instances).write(instances)
        with Session(db) as session:
            assert session.scalar(select(func.sum(TaskDay.final))) > 0.8 * instances
            figures = _monitor_figures(session, now)
            session.execute(update(RollupState).values(sealed_until=None))  # the tables alone, then undone
            _assert_same(figures, _monitor_figures(session, now))
            session.rollback()


def _assert_same(got: list[Any], expected: list[Any]) -> None:
    """Equal to the millisecond: SQLite's scan measures each duration as a julianday difference, a double of some
    2.46 million days whose last bit is worth 40 µs, while the roll-ups keep whole microseconds."""
    assert [len(rows) for rows in got] == [len(rows) for rows in expected]
    for got_row, row in zip((r for rows in got for r in rows), (r for rows in expected for r in rows), strict=True):
        assert list(got_row) == [pytest.approx(v, rel=1e-9, abs=1e-3) if isinstance(v, float) else v for v in row]


def _monitor_figures(session: Session, now: datetime) -> list[Any]:
    def plain(rows: list[Any]) -> list[tuple[Any, ...]]:
        return sorted(tuple(vars(r).values()) for r in rows)
    found = []
    for since in (now - timedelta(days=365), now - timedelta(days=30, hours=7)):
        for department in (None, "IT", "Finance"):
            found += [plain(analytics.step_timings(session, since, now, department=department)),
                      plain(analytics.process_cycles(session, since, department=department))]
    return found
