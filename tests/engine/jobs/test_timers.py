"""BPMN timers fire by the engine's clock, through jobs, without anyone sleeping."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import timer_bpmn
from sqlalchemy import Engine, select
from tiny_bpmn import bundle

from engine import Actor, Job, JobRunner, ServiceRegistry, WorkflowEngine
from engine.spiff_clock import spiff_clock

T0 = datetime(2030, 3, 1, 9, 0, 0)
ALICE = Actor("alice", frozenset({"clerks"}))
MARY = Actor("mary", frozenset({"managers"}))


Clock = Any  # tests/conftest.py's settable clock


@pytest.fixture
def clock(make_clock: Callable[[datetime], Clock]) -> Clock:
    return make_clock(T0)


@pytest.fixture
def eng(db: Engine, registry: ServiceRegistry, clock: Clock) -> WorkflowEngine:
    return WorkflowEngine(db, registry, clock=clock)


def jobs(eng: WorkflowEngine, instance_id: int) -> list[tuple[str, datetime]]:
    with eng.read() as s:
        return [(j.status, j.due_at) for j in s.scalars(select(Job).where(Job.instance_id == instance_id)
                                                         .order_by(Job.id))]


def kinds(eng: WorkflowEngine, instance_id: int) -> list[str]:
    return [e.kind for e in eng.get(instance_id).history]


def test_spiff_reads_the_engine_clock_only_inside_the_block() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    with spiff_clock(lambda: T0):
        assert timer.datetime.now(timer.timezone.utc).replace(tzinfo=None) == T0
    assert timer.datetime.now(timer.timezone.utc).year < 2030


def test_intermediate_duration_timer_waits_as_a_job_and_fires_when_due(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.intermediate("wait2h", "timeDuration", '"PT2H"')))
    inst = eng.start("wait2h", {}, ALICE)
    assert inst.status == "waiting"
    assert jobs(eng, inst.id) == [("pending", T0 + timedelta(hours=2))]

    clock.advance(hours=1, minutes=59)
    assert eng.wake_timers() == 0
    assert eng.get(inst.id).status == "waiting"

    clock.advance(minutes=1, seconds=1)
    assert eng.wake_timers() == 1
    view = eng.get(inst.id)
    assert view.status == "completed"
    fired = [e for e in view.history if e.kind == "timer_fired"]
    assert fired[0].task_name == "wait" and fired[0].actor == "system"
    assert jobs(eng, inst.id) == [("done", T0 + timedelta(hours=2))]


def test_date_timer_fires_at_its_date(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.intermediate("on_date", "timeDate", '"2030-03-05T08:00:00+00:00"')))
    inst = eng.start("on_date", {}, ALICE)
    assert jobs(eng, inst.id) == [("pending", datetime(2030, 3, 5, 8, 0))]
    clock.now = datetime(2030, 3, 5, 8, 0, 1)
    assert eng.wake_timers() == 1
    assert eng.get(inst.id).status == "completed"


def test_interrupting_boundary_timer_escalates_and_cancels_the_task(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.boundary("sla", '"P1D"', interrupting=True)))
    inst = eng.start("sla", {}, ALICE)
    assert [t.task_name for t in eng.get(inst.id).tasks] == ["approve"]
    clock.advance(days=1, seconds=1)
    assert eng.wake_timers() == 1
    tasks = {t.task_name: t.status for t in eng.get(inst.id).tasks}
    assert tasks == {"approve": "cancelled", "escalated": "open"}
    assert "timer_fired" in kinds(eng, inst.id)


def test_non_interrupting_boundary_timer_leaves_the_task_open(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.boundary("remind", '"PT4H"', interrupting=False)))
    inst = eng.start("remind", {}, ALICE)
    clock.advance(hours=4, seconds=1)
    assert eng.wake_timers() == 1
    tasks = {t.task_name: t.status for t in eng.get(inst.id).tasks}
    assert tasks == {"approve": "open", "escalated": "open"}


def test_completing_the_task_first_cancels_its_boundary_timer_job(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.boundary("quick", '"P1D"', interrupting=True)))
    inst = eng.start("quick", {}, ALICE)
    task = eng.get(inst.id).tasks[0]
    clock.advance(hours=1)
    assert eng.complete(task.id, ALICE, {}).status == "completed"
    assert [status for status, _ in jobs(eng, inst.id)] == ["cancelled"]
    clock.advance(days=2)
    assert eng.wake_timers() == 0


def test_timer_start_event_opens_the_flow_when_it_fires(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.timer_start("monthly", "timeDuration", '"P1M"')))
    inst = eng.start("monthly", {}, ALICE)
    assert eng.get(inst.id).tasks == []
    assert jobs(eng, inst.id) == [("pending", datetime(2030, 4, 1, 9, 0))]
    clock.now = datetime(2030, 4, 1, 9, 0, 1)
    assert eng.wake_timers() == 1
    assert [t.task_name for t in eng.get(inst.id).tasks] == ["review"]


def test_cycle_timer_fires_each_cycle(eng: WorkflowEngine, clock: Clock) -> None:
    eng.deploy_bundle(bundle(timer_bpmn.boundary("cycle", '"R2/PT1H"', interrupting=False, kind="timeCycle")))
    inst = eng.start("cycle", {}, ALICE)
    for hour in (1, 2):
        clock.now = T0 + timedelta(hours=hour, seconds=1)
        assert eng.wake_timers() == 1
    escalations = [t for t in eng.get(inst.id).tasks if t.task_name == "escalated"]
    assert len(escalations) == 2
    clock.advance(hours=5)
    assert eng.wake_timers() == 0


def test_job_runner_wakes_timers_of_another_engine(db: Engine, registry: ServiceRegistry, clock: Clock) -> None:
    """The scheduler is another process: its engine shares nothing with the web worker's but the rows."""
    web = WorkflowEngine(db, registry, clock=clock)
    web.deploy_bundle(bundle(timer_bpmn.intermediate("w", "timeDuration", '"PT10M"')))
    inst = web.start("w", {}, ALICE)
    scheduler = JobRunner(WorkflowEngine(db, registry, clock=clock))
    report = scheduler.run_due(clock.advance(minutes=11), "sched-1")
    assert (report.claimed, report.done) == (1, 1)
    assert web.get(inst.id).status == "completed"


def test_a_timer_started_process_is_armed_once_and_rearmed_after_it_fires(eng: WorkflowEngine,
                                                                         clock: Clock) -> None:
    from engine.jobs.timer_starts import arm

    eng.deploy_bundle(bundle(timer_bpmn.timer_start("monthly_count", "timeDuration", '"P1M"')))
    [first] = arm(eng)
    assert arm(eng) == []  # a second scheduler finds it armed
    assert eng.get(first).started_by == "system" and eng.get(first).tasks == []
    clock.now = datetime(2030, 4, 1, 9, 0, 1)
    assert eng.wake_timers() == 1
    assert [t.task_name for t in eng.get(first).tasks] == ["review"]
    [second] = arm(eng)
    assert jobs(eng, second) == [("pending", datetime(2030, 5, 1, 9, 0, 1))]


def test_a_date_started_process_is_armed_once_per_version(eng: WorkflowEngine, clock: Clock) -> None:
    from engine.jobs.timer_starts import arm

    eng.deploy_bundle(bundle(timer_bpmn.timer_start("kickoff", "timeDate", '"2030-03-02T00:00:00+00:00"')))
    [only] = arm(eng)
    clock.now = datetime(2030, 3, 2, 0, 0, 1)
    assert eng.wake_timers() == 1
    assert arm(eng) == []
    assert [t.task_name for t in eng.get(only).tasks] == ["review"]


def test_firing_a_timer_reads_the_instance_and_its_state_once(db: Engine, registry: ServiceRegistry, clock: Clock,
                                                              tmp_path: Any) -> None:
    """The scheduler fires timers of instances it has never seen; each row it reads costs every timer."""
    from sqlalchemy import event

    from engine import Workplace

    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_bundle(bundle(timer_bpmn.intermediate("wait2h", "timeDuration", '"PT2H"')))
    inst = eng.start("wait2h", {}, ALICE)
    scheduler = WorkflowEngine(db, registry, clock=clock)  # a cold cache, as in a scheduler process
    Workplace(scheduler, tmp_path)  # with notifications listening to what the step writes
    clock.advance(hours=2, seconds=1)
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM process_instances" in statement:
            reads.append(statement)

    event.listen(db, "before_cursor_execute", seen)
    try:
        assert scheduler.wake_timers() == 1
    finally:
        event.remove(db, "before_cursor_execute", seen)
    assert kinds(eng, inst.id)[-2:] == ["timer_fired", "instance_completed"]
    state_reads = [s for s in reads if "process_instances.state" in s]
    assert len(reads) == 2 and len(state_reads) == 1, reads
