"""The daily roll-ups give the monitor the same step, percentile and cycle figures as a scan of the tables,
over a small history worked out by hand, with every filter the monitor offers, and stay right as the
still-open work ends and more days are sealed."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import Actor, ProcessDefinition, ProcessInstance, ServiceRegistry, WorkflowEngine, analytics, roll_up
from engine.jobs.rollups import rebuild
from engine.rollups import BOUNDS, DAY, MONTH, OpenInstance, OpenTask, RollupState, TaskDay, bucket, value_range
from tests.conftest import PROCESSES

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday
ALICE = Actor("alice", frozenset({"requesters"}), department="IT")
FRANK = Actor("frank", frozenset({"requesters"}), department="Sales")
BOB = Actor("bob", frozenset({"IT-managers", "Sales-managers"}))
CAROL = Actor("carol", frozenset({"finance-directors"}))
DAVE = Actor("dave", roles=frozenset({"designer"}))
REQUEST = {"item": "Server", "supplier": "Huawei", "reason": "capacity", "quantity": 1}
H = 3600.0
SHANGHAI = timedelta(hours=8)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _start(eng: WorkflowEngine, clock: Clock, at: datetime, who: Actor, price: int) -> Any:
    clock.now = at
    return eng.start("purchase_approval", {**REQUEST, "department": who.department, "unit_price": price}, who)


def _decide(eng: WorkflowEngine, clock: Clock, task_id: str, claim_h: float | None, work_h: float,
            decision: str = "approve", who: Actor = BOB) -> None:
    if claim_h is not None:
        clock.now += timedelta(hours=claim_h)
        eng.claim(task_id, who)
    clock.now += timedelta(hours=work_h)
    eng.complete(task_id, who, {"decision": decision, "comment": "ok"})


@pytest.fixture
def history(db: Engine, registry: ServiceRegistry) -> tuple[WorkflowEngine, Clock, dict[str, Any]]:
    """Mon 2 March: A (IT, ¥60,000) manager claims after 2 h, approves 1 h later; finance approves 3 h after.
    Tue 3 March: B, C, D, E (IT, ¥9,000) claimed after 60, 61, 62 and 63 minutes (one histogram range),
    decided 30 minutes later, B rejected. Wed 4 March: F (Sales) left open; G (IT) cancelled an hour in.
    Thu 5 March 20:00: H (IT) left open. Now: Fri 6 March 12:00, so Monday to Thursday can be sealed."""
    clock = Clock()
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_path(PROCESSES)
    ids: dict[str, Any] = {}
    a = _start(eng, clock, T0, ALICE, 60000)
    _decide(eng, clock, a.tasks[0].id, 2, 1)
    [finance] = [t for t in eng.get(a.id).tasks if t.status == "open"]
    _decide(eng, clock, finance.id, None, 3, who=CAROL)
    for i, name in enumerate("BCDE"):
        view = _start(eng, clock, T0 + timedelta(days=1, minutes=i), ALICE, 9000)
        _decide(eng, clock, view.tasks[0].id, (60 + i) / 60, 0.5, "reject" if name == "B" else "approve")
    ids["F"] = _start(eng, clock, T0 + timedelta(days=2), FRANK, 9000)
    g = _start(eng, clock, T0 + timedelta(days=2, hours=1), ALICE, 9000)
    clock.now += timedelta(hours=1)
    eng.cancel(g.id, ALICE)
    ids["H"] = _start(eng, clock, T0 + timedelta(days=3, hours=11), ALICE, 9000)
    clock.now = T0 + timedelta(days=4, hours=3)
    return eng, clock, ids


def _all_instances() -> Any:
    """Every instance: a narrowing that narrows nothing, and makes the figures read the tables alone."""
    return select(ProcessInstance.id)


def _figures(session: Session, since: datetime, now: datetime, until: datetime | None = None, *,
             direct: bool = False, department: str | None = None, versions: list[int] | None = None,
             process: str | None = None) -> tuple[Any, ...]:
    """(steps with percentiles, cycles); `direct` reads the tables alone, with the same narrowing."""
    if direct:
        scope = select(ProcessInstance.id)
        if department is not None:
            scope = scope.where(ProcessInstance.department == department)
        if versions is not None:
            scope = scope.where(ProcessInstance.definition_id.in_(versions))
        steps = analytics.step_timings(session, since, now, process, instances=scope, until=until)
    else:
        steps = analytics.step_timings(session, since, now, process, until=until, department=department,
                                       versions=versions)
    cycles = analytics.process_cycles(session, since, process, until=until, department=department)
    return sorted(steps, key=lambda s: s.step), cycles


def _approx(figures: tuple[Any, ...]) -> tuple[Any, ...]:
    """Floats compared to the millisecond: SQL and Python sum the seconds in another order."""
    def plain(row: Any) -> tuple[Any, ...]:
        return tuple(pytest.approx(v, abs=1e-3) if isinstance(v, float) else v for v in vars(row).values())
    return tuple([plain(r) for r in rows] for rows in figures)


def _scopes(session: Session) -> list[dict[str, Any]]:
    versions = session.scalars(select(ProcessDefinition.id).where(ProcessDefinition.key == "purchase_approval")
                               .order_by(ProcessDefinition.version)).all()
    other = session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key != "purchase_approval"))
    return [{}, {"department": "IT"}, {"department": "Sales"}, *({"versions": [v]} for v in versions),
            {"versions": [other]}, {"department": "IT", "versions": [versions[0]]}, {"process": "purchase_approval"}]


def _periods(now: datetime) -> list[tuple[datetime, datetime | None]]:
    """The last week; the days of a reader in Shanghai (periods that start and end at 16:00 UTC); one day."""
    return [(now - timedelta(days=7), None), (T0 - timedelta(days=1), None), (T0 + timedelta(hours=30), now),
            (T0 + timedelta(days=20), now - timedelta(days=2, hours=5)),
            (T0 - timedelta(hours=17), T0 + timedelta(days=3) - timedelta(hours=17)),
            (T0.replace(hour=0) + timedelta(days=1) - SHANGHAI, T0.replace(hour=0) + timedelta(days=4) - SHANGHAI),
            (T0.replace(hour=0) + timedelta(days=1), T0.replace(hour=0) + timedelta(days=2)), (T0, T0)]


def _same_as_the_tables(eng: WorkflowEngine, now: datetime) -> None:
    with eng.read() as session:
        for since, until in _periods(now):
            for scope in _scopes(session):
                rolled = _figures(session, since, now, until, **scope)
                assert _approx(rolled) == _approx(_figures(session, since, now, until, direct=True, **scope)), \
                    (since, until, scope)


def test_the_figures_from_the_rollups_are_the_tables_figures_worked_out_by_hand(db: Engine, history) -> None:
    eng, clock, ids = history
    with eng.read() as session:
        before = _figures(session, T0 - timedelta(days=1), clock.now)
    assert roll_up(db, clock.now) == 4 + 0, "Monday to Thursday sealed"
    with Session(db) as session:
        assert session.scalar(select(RollupState.sealed_until)) == datetime(2026, 3, 6)
        assert session.scalar(select(func.count()).select_from(OpenTask)) == 2, "F's and H's manager task"
        assert session.scalar(select(func.count()).select_from(OpenInstance)) == 2
        assert session.scalar(select(func.sum(TaskDay.final)).where(TaskDay.span == DAY)) == 7, \
            "A's two, B to E, G's cancelled one"
        assert session.scalar(select(func.sum(TaskDay.final)).where(TaskDay.span == MONTH)) == 7, "all in March"
    with eng.read() as session:
        steps, cycles = after = _figures(session, T0 - timedelta(days=1), clock.now)
    assert _approx(after) == _approx(before)
    manager = next(s for s in steps if s.step == "Task_manager_approval")
    finance = next(s for s in steps if s.step == "Task_finance_approval")
    assert (manager.completed, manager.open, manager.overdue) == (5, 2, 1), "F past its two days, H not yet"
    assert manager.max_wait_s == pytest.approx(3 * H)
    assert manager.avg_wait_s == pytest.approx((3 * H + 4 * 1.5 * H + 6 * 60) / 5, abs=1)
    # claim waits 60, 61, 62, 63 and 120 minutes: nearest rank of five, p50 the 3rd, p90 the 5th
    assert (manager.wait_p50_s, manager.wait_p90_s) == (pytest.approx(62 * 60), pytest.approx(2 * H))
    assert (manager.work_p50_s, manager.work_p90_s) == (pytest.approx(0.5 * H), pytest.approx(H))
    assert (finance.completed, finance.wait_p50_s, finance.work_p50_s) == (1, pytest.approx(3 * H), 0.0)
    [cycle] = cycles
    assert (cycle.started, cycle.completed, cycle.active, cycle.failed) == (8, 5, 2, 0)
    assert cycle.avg_cycle_s == pytest.approx((6 * H + 4 * 1.5 * H + 6 * 60) / 5, abs=1)
    _same_as_the_tables(eng, clock.now)


def test_the_work_still_open_is_folded_in_when_it_ends(db: Engine, history) -> None:
    eng, clock, ids = history
    roll_up(db, clock.now)
    _decide(eng, clock, ids["F"].tasks[0].id, 5, 2)
    friday = _start(eng, clock, clock.now, ALICE, 9000)  # after the sealed days
    _same_as_the_tables(eng, clock.now)  # F read live, from the list of open tasks
    clock.now += timedelta(days=3)
    assert roll_up(db, clock.now) == 3 + 2, "Friday to Sunday sealed, F's task and instance folded"
    with Session(db) as session:
        assert set(session.scalars(select(OpenTask.task_id))) == {ids["H"].tasks[0].id, friday.tasks[0].id}
    _same_as_the_tables(eng, clock.now)
    assert roll_up(db, clock.now) == 0, "nothing new: the run changes nothing"
    _same_as_the_tables(eng, clock.now)
    rebuild(db, clock.now)
    _same_as_the_tables(eng, clock.now)


def test_months_sealed_whole_and_in_part_give_the_same_figures(db: Engine, history) -> None:
    """Requests through March, April and into May: a period reads whole months' rows and the days around them."""
    eng, clock, ids = history
    roll_up(db, clock.now)
    for day in range(5, 70, 4):
        view = _start(eng, clock, T0 + timedelta(days=day, hours=day % 7), ALICE if day % 3 else FRANK, 9000)
        _decide(eng, clock, view.tasks[0].id, day % 5 + 0.25, day % 4 + 0.5, "approve")
        if day % 8 == 1:
            roll_up(db, clock.now)
    _decide(eng, clock, ids["H"].tasks[0].id, 1, 1)
    roll_up(db, clock.now)
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(TaskDay).where(TaskDay.span == MONTH)) >= 3
    _same_as_the_tables(eng, clock.now)


def test_a_percentile_is_exact_inside_a_histogram_range() -> None:
    """Every value falls in the range whose bounds the walk along the index uses, the same floats."""
    for v in [0.0, -3.0, 0.5, 1.0, 59.99, 60.0, 61.0, 3600.0, *BOUNDS[:40], 1e12]:
        low, high, low_open = value_range(bucket(v))
        assert (low is None or (v > low if low_open else v >= low)) and (high is None or v < high) or v == 0


def test_two_schedulers_roll_up_once(db: Engine, history) -> None:
    """The second run finds the day sealed (SQLite: after the first; PostgreSQL: it skips while one runs)."""
    eng, clock, _ids = history
    results: list[int] = []
    runs = [threading.Thread(target=lambda: results.append(roll_up(db, clock.now))) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sorted(results) == [0, 4]
    with Session(db) as session:
        assert session.scalar(select(func.sum(TaskDay.final)).where(TaskDay.span == DAY)) == 7
    _same_as_the_tables(eng, clock.now)


def test_a_request_moved_to_a_new_version_is_counted_under_it(db: Engine, history) -> None:
    """Its tasks wait in the open list until the request ends: till then a migration may still move it."""
    from engine import Bundle, SourceFile
    from tests.engine.test_migration import PURCHASE, v2_without_revision

    eng, clock, _ids = history
    moved = _start(eng, clock, clock.now, ALICE, 90000)
    _decide(eng, clock, moved.tasks[0].id, 1, 1)  # the manager approves; finance next
    clock.now += timedelta(days=2)
    roll_up(db, clock.now)
    old = Bundle.from_path(PURCHASE)
    eng.deploy_bundle(Bundle(SourceFile(PURCHASE.name, v2_without_revision().encode()), old.dmn, old.forms), "dave")
    [result] = [r for r in eng.migrate("purchase_approval", DAVE) if r.instance_id == moved.id]
    assert not result.blockers
    [finance] = [t for t in eng.get(moved.id).tasks if t.status == "open"]
    _decide(eng, clock, finance.id, None, 2, who=CAROL)
    _same_as_the_tables(eng, clock.now)
    clock.now += timedelta(days=1)
    roll_up(db, clock.now)
    _same_as_the_tables(eng, clock.now)
