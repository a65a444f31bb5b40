"""Flow timing figures, computed from real purchase approvals run on a controlled clock."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from engine import Actor, ServiceRegistry, WorkflowEngine, analytics
from tests.conftest import PROCESSES

T0 = datetime(2026, 3, 2, 9, 0)
ALICE = Actor("alice", frozenset({"requesters"}), department="IT")
BOB = Actor("bob", frozenset({"IT-managers"}))
CAROL = Actor("carol", frozenset({"finance-directors"}))
REQUEST = {"item": "Server", "supplier": "Huawei", "reason": "capacity", "department": "IT", "quantity": 1}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def timed(db: Engine, registry: ServiceRegistry) -> tuple[WorkflowEngine, Clock]:
    clock = Clock()
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_path(PROCESSES)
    # two requests above 50,000: manager 2 h then finance 3 h; the second waits for the manager
    first = eng.start("purchase_approval", {**REQUEST, "unit_price": 60000}, ALICE)
    clock.now = T0 + timedelta(hours=2)
    eng.complete(first.tasks[0].id, BOB, {"decision": "approve"})
    clock.now = T0 + timedelta(hours=5)
    [finance] = [t for t in eng.get(first.id).tasks if t.status == "open"]
    eng.complete(finance.id, CAROL, {"decision": "approve"})
    eng.start("purchase_approval", {**REQUEST, "unit_price": 70000}, ALICE)
    clock.now = T0 + timedelta(days=3)  # the second request's manager task is now past its 2-day SLA
    return eng, clock


def test_step_timings_show_waiting_and_overdue_per_step(timed) -> None:
    eng, clock = timed
    with eng.read() as session:
        steps = {s.step: s for s in analytics.step_timings(session, T0 - timedelta(days=1), clock.now)}
    manager, finance = steps["Task_manager_approval"], steps["Task_finance_approval"]
    assert (manager.completed, manager.open, manager.overdue) == (1, 1, 1)
    assert manager.avg_wait_s == pytest.approx(2 * 3600, abs=1)
    assert (finance.completed, finance.open, finance.overdue) == (1, 0, 0)
    assert finance.avg_wait_s == pytest.approx(3 * 3600, abs=1)


def test_cycle_workload_and_throughput(timed) -> None:
    eng, clock = timed
    with eng.read() as session:
        report = analytics.report(session, clock.now, days=7)
        names = analytics.step_names(session, "purchase_approval")
    [cycle] = report.cycles
    assert (cycle.started, cycle.completed, cycle.active) == (2, 1, 1)
    assert cycle.avg_cycle_s == pytest.approx(5 * 3600, abs=1)
    assert [(w.owner, w.assigned, w.open, w.overdue) for w in report.workload] == [("IT-managers", False, 1, 1)]
    assert (report.open_tasks, report.overdue_tasks) == (1, 1)
    by_day = {d.day: (d.started, d.completed) for d in report.throughput}
    assert by_day[T0.date()] == (2, 1) and len(report.throughput) == 8
    assert names["Task_manager_approval"] == "Department manager approval"


def test_process_filter_and_period(timed) -> None:
    eng, clock = timed
    with eng.read() as session:
        assert analytics.report(session, clock.now, days=7, process="other").cycles == []
        [later] = analytics.process_cycles(session, T0 + timedelta(hours=1))
    assert (later.started, later.completed, later.active) == (1, 0, 1)  # only the second started in the period
