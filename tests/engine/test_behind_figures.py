"""The instances behind a monitor figure are exactly those the figure counts, over the same period and department."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from engine import Actor, ServiceRegistry, WorkflowEngine, analytics, behind_figures
from tests.conftest import PROCESSES, Clock

T0 = datetime(2026, 3, 2, 9, 0)
REQUEST = {"item": "Server", "supplier": "Huawei", "reason": "capacity", "quantity": 1, "unit_price": 900}
BOB = Actor("bob", frozenset({"IT-managers"}))


@pytest.fixture
def filed(db: Engine, registry: ServiceRegistry) -> tuple[WorkflowEngine, Clock, dict[str, list[int]]]:
    """IT files on day 0 and day 2 (the first approved on day 1), Sales on day 1."""
    clock = Clock(T0)
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_path(PROCESSES)
    ids: dict[str, list[int]] = {"IT": [], "Sales": []}
    for day, department in ((0, "IT"), (1, "Sales"), (2, "IT")):
        clock.now = T0 + timedelta(days=day)
        actor = Actor(f"requester-{department}", frozenset({"requesters"}), department=department)
        started = eng.start("purchase_approval", {**REQUEST, "department": department}, actor)
        ids[department].append(started.id)
        if day == 0:
            clock.now = T0 + timedelta(days=1)
            eng.complete(started.tasks[0].id, BOB, {"decision": "approve"})
    clock.now = T0 + timedelta(days=3)
    return eng, clock, ids


def _ids(eng: WorkflowEngine, kind: str, **scope) -> list[int]:  # noqa: ANN003
    with eng.read() as session:
        rows, total, more = behind_figures.page(session, kind, **scope)
    assert (total, more) == (len(rows), False)
    return [r.instance_id for r in rows]


def test_each_list_is_what_its_figure_counts(filed) -> None:  # noqa: ANN001
    eng, clock, ids = filed
    since, until = T0 - timedelta(hours=1), T0 + timedelta(days=1, hours=12)
    with eng.read() as session:
        report = analytics.report(session, clock.now, since=since, until=until, department="IT")
    [cycle] = report.cycles
    [step] = [s for s in report.steps if s.step == "Task_manager_approval"]
    assert _ids(eng, "started", since=since, until=until, department="IT") == ids["IT"][:1]
    assert len(ids["IT"][:1]) == cycle.started
    assert _ids(eng, "completed", since=since, until=until, department="IT") == ids["IT"][:1] == \
        ids["IT"][:cycle.completed]
    behind_step = _ids(eng, "step", since=since, until=until, department="IT", step="Task_manager_approval")
    assert len(behind_step) == step.completed + step.open == 1
    assert _ids(eng, "started", since=since) == [ids["IT"][0], ids["Sales"][0], ids["IT"][1]]


def test_a_page_says_when_more_follow(filed) -> None:  # noqa: ANN001
    eng, _clock, ids = filed
    with eng.read() as session:
        rows, total, more = behind_figures.page(session, "started", since=T0 - timedelta(hours=1), limit=2)
        rest, _total, more_after = behind_figures.page(session, "started", since=T0 - timedelta(hours=1), limit=2,
                                                       offset=2)
    assert (len(rows), total, more, len(rest), more_after) == (2, 3, True, 1, False)
    with pytest.raises(ValueError, match="kind"):
        behind_figures.query("everything", since=T0)


def test_a_day_and_a_workload_row_list_what_they_count(filed) -> None:  # noqa: ANN001
    eng, clock, ids = filed
    since = T0 - timedelta(hours=1)
    with eng.read() as session:
        report = analytics.report(session, clock.now, since=since)
    for day in report.throughput:
        start = max(datetime.combine(day.day, datetime.min.time()), since)
        end = datetime.combine(day.day, datetime.min.time()) + timedelta(days=1)
        assert len(_ids(eng, "started", since=start, until=end)) == day.started, day
        assert len(_ids(eng, "ended", since=start, until=end)) == day.completed, day
    assert _ids(eng, "ended", since=T0 + timedelta(days=1), until=T0 + timedelta(days=2)) == ids["IT"][:1]
    for row in report.workload:
        held = _ids(eng, "open", since=since, owner=row.owner, assigned=row.assigned)
        assert len(held) == row.open, row
        late = _ids(eng, "open", since=since, owner=row.owner, assigned=row.assigned, late=True, now=clock.now)
        assert len(late) == row.overdue, row
    assert _ids(eng, "open", since=since, department="Sales") == ids["Sales"]
