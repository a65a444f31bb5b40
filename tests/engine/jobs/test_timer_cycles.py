"""A process that starts on a repeating timer runs one instance per firing, never a repeat inside one."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import timer_bpmn
from sqlalchemy import Engine, select
from tiny_bpmn import bundle

from engine import Actor, JobRunner, ProcessInstance, ServiceRegistry, WorkflowEngine, arm_timer_starts

T0 = datetime(2030, 1, 15, 9, 0)
CLERK = Actor("clara", frozenset({"clerks"}))


Clock = Any  # tests/conftest.py's settable clock


@pytest.fixture
def clock(make_clock: Callable[[datetime], Clock]) -> Clock:
    return make_clock(T0)


@pytest.fixture
def schedulers(db: Engine, registry: ServiceRegistry, clock: Clock) -> list[WorkflowEngine]:
    """Two scheduler processes: engines that share nothing but the database."""
    return [WorkflowEngine(db, registry, clock=clock) for _ in range(2)]


def poll(engines: list[WorkflowEngine]) -> None:
    """Each scheduler polls once, as `Scheduler.poll` does: arm timer starts, run the due jobs."""
    for i, eng in enumerate(engines):
        arm_timer_starts(eng)
        JobRunner(eng).run_due(eng.clock(), f"scheduler-{i}")


def instances(eng: WorkflowEngine) -> list[tuple[str, list[str]]]:
    with eng.read() as s:
        ids = s.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)).all()
    return [(v.status, [t.status for t in v.tasks]) for v in map(eng.get, ids)]


def fired_at(eng: WorkflowEngine) -> list[str]:
    with eng.read() as s:
        ids = s.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)).all()
    return [e.detail["due_at"] for i in ids for e in eng.get(i).history if e.kind == "timer_fired"]


def test_a_monthly_cycle_starts_one_instance_each_month(schedulers: list[WorkflowEngine], clock: Clock) -> None:
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("month_end", "timeCycle", '"R/P1M"')))
    poll(schedulers)
    assert instances(eng) == [("waiting", [])]  # armed once, although both schedulers polled
    for month in (2, 3, 4):
        clock.now = datetime(2030, month, 28, 10, 0)
        poll(schedulers)
        poll(schedulers)
    # calendar months from its arming (a fixed 31 days would drift to 18 March, 18 April)
    assert fired_at(eng) == ["2030-02-15T09:00:00.000", "2030-03-15T09:00:00.000", "2030-04-15T09:00:00.000"]
    assert instances(eng) == [("waiting", ["open"])] * 3 + [("waiting", [])]  # and the fourth month is armed

    first = next(t for t in eng.get(1).tasks if t.status == "open")
    eng.complete(first.id, CLERK, {})
    assert [status for status, _ in instances(eng)] == ["completed", "waiting", "waiting", "waiting"]


def test_a_counted_cycle_ends_after_its_last_firing(schedulers: list[WorkflowEngine], clock: Clock) -> None:
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("hourly3", "timeCycle", '"R3/PT1H"')))
    poll(schedulers)
    for hour in range(1, 7):
        clock.now = T0 + timedelta(hours=hour, seconds=1)
        poll(schedulers)
    assert instances(eng) == [("waiting", ["open"])] * 3
    assert fired_at(eng) == ["2030-01-15T10:00:00.000", "2030-01-15T11:00:00.000", "2030-01-15T12:00:00.000"]


def test_firings_missed_while_no_scheduler_ran_start_one_instance(
        schedulers: list[WorkflowEngine], clock: Clock) -> None:
    """Down from 9:30 to 12:30: one instance for the firings missed, then the cycle goes on at 13:00."""
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("hourly", "timeCycle", '"R/PT1H"')))
    poll(schedulers)
    clock.now = T0 + timedelta(hours=3, minutes=30)
    for _ in range(3):
        poll(schedulers)
    assert fired_at(eng) == ["2030-01-15T10:00:00.000"]
    assert instances(eng) == [("waiting", ["open"]), ("waiting", [])]
    clock.now = T0 + timedelta(hours=4, seconds=1)
    poll(schedulers)
    assert fired_at(eng) == ["2030-01-15T10:00:00.000", "2030-01-15T13:00:00.000"]


def test_a_new_version_starts_its_own_cycle(schedulers: list[WorkflowEngine], clock: Clock) -> None:
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("daily", "timeCycle", '"R/P1D"')))
    poll(schedulers)
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("daily", "timeCycle", '"R/PT12H"')))
    poll(schedulers)
    assert len(instances(eng)) == 1  # version 1 still waits for its day
    clock.now = T0 + timedelta(days=1, seconds=1)
    poll(schedulers)
    clock.now += timedelta(hours=12, seconds=1)
    poll(schedulers)
    with eng.read() as s:
        versions = [i.definition_id for i in s.scalars(select(ProcessInstance).order_by(ProcessInstance.id))]
    assert versions == [1, 2, 2]  # the day's run; version 2 armed then, fired 12 hours later, armed again
    assert instances(eng) == [("waiting", ["open"]), ("waiting", ["open"]), ("waiting", [])]
    clock.now += timedelta(hours=12, seconds=1)
    poll(schedulers)
    assert len(instances(eng)) == 4  # version 2 goes on every 12 hours



def test_a_cycle_anchored_on_the_first_of_the_month_fires_on_each_first(
        schedulers: list[WorkflowEngine], clock: Clock) -> None:
    """Midnight on the 1st in China (UTC+8) is 16:00 UTC on the last day of the month before.

    Deployed on 15 January, the 1st of January is not caught up: the first run is on 1 February.
    """
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("monthly", "timeCycle", '"R/2030-01-01T00:00:00+08:00/P1M"')))
    poll(schedulers)
    assert instances(eng) == [("waiting", [])] and fired_at(eng) == []
    clock.now = datetime(2030, 1, 31, 15, 59)
    poll(schedulers)
    assert fired_at(eng) == []
    for at in (datetime(2030, 1, 31, 16, 0, 1), datetime(2030, 2, 28, 16, 0, 1), datetime(2030, 3, 31, 16, 0, 1)):
        clock.now = at
        poll(schedulers)
        poll(schedulers)
    assert fired_at(eng) == ["2030-01-31T16:00:00.000", "2030-02-28T16:00:00.000", "2030-03-31T16:00:00.000"]
    assert instances(eng) == [("waiting", ["open"])] * 3 + [("waiting", [])]  # one run each, and May's armed


def test_a_counted_cycle_all_in_the_past_arms_nothing(schedulers: list[WorkflowEngine], clock: Clock) -> None:
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("bygone", "timeCycle", '"R2/2029-01-01T00:00:00Z/P1M"')))
    poll(schedulers)
    clock.now += timedelta(days=60)
    poll(schedulers)
    assert instances(eng) == [] and fired_at(eng) == []


def test_a_cycle_started_in_the_past_keeps_its_count(schedulers: list[WorkflowEngine], clock: Clock) -> None:
    """Eight days of a daily cycle from the 10th: armed on the 15th at nine, two are left (the 16th and 17th)."""
    eng = schedulers[0]
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("week", "timeCycle", '"R8/2030-01-10T08:00:00Z/P1D"')))
    poll(schedulers)
    for day in range(16, 22):
        clock.now = datetime(2030, 1, day, 8, 0, 1)
        poll(schedulers)
    assert fired_at(eng) == ["2030-01-16T08:00:00.000", "2030-01-17T08:00:00.000"]
    assert instances(eng) == [("waiting", ["open"])] * 2
