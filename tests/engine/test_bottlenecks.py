"""The heatmap's figures and the version comparison, against the small history of test_step_percentiles whose
figures are worked out by hand: five manager approvals waiting 1, 2, 3, 10 and 40 h, worked 4, 1, 2, 3, 12 h."""
from __future__ import annotations

from datetime import timedelta

import pytest
from test_analytics import T0
from test_step_percentiles import history  # noqa: F401  (the fixture)

from engine import bottlenecks

H = 3600.0


def test_heat_per_step_with_version_and_department(history) -> None:  # noqa: F811
    eng, clock = history
    since = T0 - timedelta(days=1)
    with eng.read() as session:
        [step] = [h for h in bottlenecks.step_heat(session, "purchase_approval", since, clock.now)
                  if h.step == "Task_manager_approval"]
        assert (step.completed, step.open, step.late) == (5, 0, 1)
        assert step.avg_wait_s == pytest.approx(11.2 * H) and step.avg_work_s == pytest.approx(4.4 * H)
        assert bottlenecks.step_heat(session, "purchase_approval", since, clock.now, version=1, department="IT")
        assert bottlenecks.step_heat(session, "purchase_approval", since, clock.now, department="Sales") == []
        assert bottlenecks.step_heat(session, "purchase_approval", since, clock.now, version=2) == []


def test_every_figure_drills_down_to_its_instances(history) -> None:  # noqa: F811
    eng, clock = history
    with eng.read() as session:
        rows, more = bottlenecks.step_instances(session, "purchase_approval", "Task_manager_approval",
                                                T0 - timedelta(days=1), limit=2)
        assert more and [r.wait_s for r in rows] == [pytest.approx(40 * H), pytest.approx(10 * H)]
        assert rows[0].late and not rows[1].late
        rest, more = bottlenecks.step_instances(session, "purchase_approval", "Task_manager_approval",
                                                T0 - timedelta(days=1), limit=2, offset=4)
        assert [r.wait_s for r in rest] == [pytest.approx(1 * H)] and not more


def test_version_kpis(history) -> None:  # noqa: F811
    eng, clock = history
    with eng.read() as session:
        kpis = bottlenecks.version_kpis(session, "purchase_approval", 1, T0 - timedelta(days=1))
    assert (kpis.started, kpis.completed) == (5, 5)
    # cycle = wait + work (+ seconds of automatic steps): 5, 3, 5, 13, 52 h → p50 5 h, p90 52 h
    assert kpis.cycle_p50_s == pytest.approx(5 * H, abs=5) and kpis.cycle_p90_s == pytest.approx(52 * H, abs=5)
    assert (kpis.rejection_rate, kpis.automation_rate) == (1.0, 0.0)
    assert kpis.wait_per_step["Task_manager_approval"] == pytest.approx(11.2 * H)
