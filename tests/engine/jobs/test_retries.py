"""A failing service step is retried by the job system with backoff, then becomes an incident."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from tiny_bpmn import bundle, linear, service, user

from engine import SYSTEM, Actor, Job, JobRunner, ServiceCall, ServiceRegistry, WorkflowEngine

T0 = datetime(2030, 5, 1, 8, 0)
RITA = Actor("rita", groups=frozenset({"buyers"}))


@dataclass(frozen=True)
class Ping:
    target: str


class Flaky:
    def __init__(self) -> None:
        self.down = True

    def __call__(self, call: ServiceCall, req: Ping) -> dict[str, str]:
        if self.down:
            raise ConnectionError(f"{req.target} is down")
        return {"pong": req.target}


@pytest.fixture
def flaky() -> Flaky:
    return Flaky()


@pytest.fixture
def clock() -> list[datetime]:
    return [T0]


@pytest.fixture
def eng(db: Engine, flaky: Flaky, clock: list[datetime]) -> WorkflowEngine:
    registry = ServiceRegistry()
    registry.register("qa.ping_host", flaky, Ping)
    eng = WorkflowEngine(db, registry, clock=lambda: clock[0])
    eng.deploy_bundle(bundle(linear("pinging", service("ping", "qa.ping_host", {"target": "target"}),
                                    user("check", "buyers"))))
    return eng


def retry_jobs(eng: WorkflowEngine) -> list[tuple[str, int, datetime]]:
    with eng.read() as s:
        return [(j.status, j.attempts, j.due_at) for j in s.scalars(select(Job).where(Job.kind == "retry"))]


def test_the_step_is_retried_and_succeeds_once_the_cause_is_gone(eng: WorkflowEngine, flaky: Flaky,
                                                                 clock: list[datetime]) -> None:
    view = eng.start("pinging", {"target": "erp"}, RITA)
    assert view.status == "error"
    assert retry_jobs(eng) == [("pending", 0, T0 + timedelta(seconds=30))]
    runner = JobRunner(eng, backoff=timedelta(seconds=30))
    assert runner.run_due(T0 + timedelta(seconds=30), "w").retried == 1
    assert retry_jobs(eng) == [("pending", 1, T0 + timedelta(seconds=60))]
    flaky.down = False
    clock[0] = T0 + timedelta(seconds=60)
    assert runner.run_due(clock[0], "w").done == 1
    fixed = eng.get(view.id)
    assert fixed.status == "waiting" and [t.task_name for t in fixed.tasks] == ["check"]
    assert [e.actor for e in fixed.history if e.kind == "instance_retried"] == ["system"]


def test_after_its_attempts_the_retry_is_an_incident_the_operator_can_retry(
        eng: WorkflowEngine, flaky: Flaky) -> None:
    view = eng.start("pinging", {"target": "erp"}, RITA)
    runner = JobRunner(eng, backoff=timedelta(seconds=30))
    now = T0
    for _ in range(3):
        now = max(now, retry_jobs(eng)[0][2])
        runner.run_due(now, "w")
    [(status, attempts, _due)] = retry_jobs(eng)
    assert (status, attempts) == ("failed", 3)
    [incident] = runner.incidents()
    assert "erp is down" in incident.last_error
    assert eng.get(view.id).status == "error"
    assert "job_failed" in [e.kind for e in eng.get(view.id).history]
    flaky.down = False
    runner.retry(incident.id, SYSTEM)
    assert runner.run_due(now, "w").done == 1
    assert eng.get(view.id).status == "waiting"


def test_an_operator_fixing_it_first_makes_the_retry_job_do_nothing(eng: WorkflowEngine, flaky: Flaky) -> None:
    view = eng.start("pinging", {"target": "erp"}, RITA)
    flaky.down = False
    assert eng.retry(view.id, Actor("root", roles=frozenset({"admin"}))).status == "waiting"
    assert JobRunner(eng).run_due(T0 + timedelta(minutes=1), "w").done == 1
    assert [e.kind for e in eng.get(view.id).history].count("instance_retried") == 1
