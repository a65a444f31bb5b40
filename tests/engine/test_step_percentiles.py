"""Per step, waiting (created → claimed) and working (claimed → completed) apart, as p50 and p90, and lateness
counted in working hours — against a small history whose figures are worked out by hand."""
from __future__ import annotations

from datetime import timedelta

import pytest
from test_analytics import ALICE, BOB, REQUEST, T0, Clock

from engine import ServiceRegistry, WorkflowEngine, analytics
from engine.work_calendar import WorkCalendar
from tests.conftest import PROCESSES

H = 3600.0


@pytest.fixture
def history(db, registry: ServiceRegistry) -> tuple[WorkflowEngine, Clock]:
    """Five manager approvals, each started at T0 + i days; claimed after `wait` hours, done `work` hours later.

    T0 is Monday 2 March 2026 09:00 UTC (17:00 in Shanghai); the step is due two days after it is created."""
    clock = Clock()
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_path(PROCESSES)
    for i, (wait, work) in enumerate([(1, 4), (2, 1), (3, 2), (10, 3), (40, 12)]):
        clock.now = T0 + timedelta(days=7 * i)
        view = eng.start("purchase_approval", {**REQUEST, "unit_price": 9000}, ALICE)
        [task] = view.tasks
        clock.now += timedelta(hours=wait)
        eng.claim(task.id, BOB)
        clock.now += timedelta(hours=work)
        eng.complete(task.id, BOB, {"decision": "reject", "comment": "no"})
    clock.now = T0 + timedelta(days=40)
    return eng, clock


def test_waiting_and_working_percentiles_per_step(history) -> None:
    eng, clock = history
    with eng.read() as session:
        [step] = [s for s in analytics.step_timings(session, T0 - timedelta(days=1), clock.now)
                  if s.step == "Task_manager_approval"]
    # nearest rank of five: p50 is the 3rd smallest, p90 the 5th
    assert (step.wait_p50_s, step.wait_p90_s) == (pytest.approx(3 * H), pytest.approx(40 * H))
    assert (step.work_p50_s, step.work_p90_s) == (pytest.approx(3 * H), pytest.approx(12 * H))


def test_a_breach_is_counted_in_working_hours(history) -> None:
    """The last one: created Mon 17:00 (Shanghai), due Wed 17:00, done Wed 21:00 after 52 h — four hours late
    on the clock, one in working hours (the working day ends at 18:00)."""
    eng, clock = history
    with eng.read() as session:
        [step] = [s for s in analytics.step_timings(session, T0 - timedelta(days=1), clock.now)
                  if s.step == "Task_manager_approval"]
    assert step.breached == 1
    assert step.late_working_s == pytest.approx(1 * H)


def test_working_time_skips_nights_and_weekends() -> None:
    calendar = WorkCalendar()
    friday_5pm = T0 + timedelta(days=4)  # Fri 17:00 in Shanghai (09:00 UTC)
    monday_10am = friday_5pm + timedelta(days=2, hours=17)
    assert calendar.working_time(friday_5pm, monday_10am) == timedelta(hours=2)
    assert calendar.working_time(monday_10am, friday_5pm) == timedelta()
