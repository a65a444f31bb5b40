"""Automation figures (share decided by rule, time saved) and the monthly summary, against a hand-computed history."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine

from engine import ServiceRegistry, WorkflowEngine, automation
from tests.automation_history import HOUR, make_history
from tests.conftest import PROCESSES, Clock


@pytest.fixture
def history(db: Engine, registry: ServiceRegistry) -> WorkflowEngine:
    clock = Clock(datetime(2030, 1, 1))
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_path(PROCESSES / "purchase_approval")
    make_history(eng, clock)
    clock.now = datetime(2030, 3, 5)
    return eng


def test_share_by_rule_and_time_saved_per_month(history: WorkflowEngine) -> None:
    with history.read() as session:
        months = automation.automation_by_month(session, datetime(2029, 12, 1), datetime(2030, 3, 1))
    assert [m.month for m in months] == ["2029-12", "2030-01", "2030-02"]
    december, january, february = months
    assert (january.decisions, january.by_rule, january.rule_share) == (6, 2, pytest.approx(1 / 3))
    assert (january.rule_approved, january.manual_approved) == (2, 3)
    assert january.manual_median_s == pytest.approx(6 * HOUR, abs=1)
    assert january.rule_median_s == pytest.approx(2 * HOUR, abs=1)
    assert january.saved_s == pytest.approx(8 * HOUR, abs=2)
    for empty in (december, february):  # months without decisions are there, with nothing made up
        assert (empty.decisions, empty.rule_share, empty.saved_s) == (0, None, None)


def test_a_process_filter_narrows_the_figures(history: WorkflowEngine) -> None:
    with history.read() as session:
        [other] = automation.automation_by_month(session, datetime(2030, 1, 1), datetime(2030, 2, 1), "hiring")
    assert (other.decisions, other.rule_approved, other.saved_s) == (0, 0, None)


def test_the_month_per_process(history: WorkflowEngine) -> None:
    with history.read() as session:
        [row] = automation.process_month(session, datetime(2030, 1, 1), datetime(2030, 2, 1))
    assert (row.process, row.started, row.completed, row.sla_breaches) == ("purchase_approval", 7, 6, 1)
    assert row.cycle_p50_s == pytest.approx(3 * HOUR, abs=1)
    assert row.cycle_p90_s == pytest.approx(72 * HOUR, abs=1)
    assert (row.decisions, row.by_rule, row.rule_share) == (6, 2, pytest.approx(1 / 3))


def test_nearest_rank_percentile_and_months() -> None:
    assert automation.percentile([], 0.5) is None
    assert automation.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.0
    assert automation.percentile([4.0, 1.0, 3.0, 2.0], 0.9) == 4.0
    assert automation.next_month("2030-12") == "2031-01"
    assert automation.months_back("2030-01", 11) == "2029-02"
    assert automation.months_back("2030-03", 3) == "2029-12"
