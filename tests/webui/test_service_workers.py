"""Service steps on Celery workers: a real RabbitMQ broker and a real worker process started by the test.

The step records its call and waits; the scheduler's job puts it on the broker; the worker runs the
module's operation against the same database and its result resumes the instance through the same
step path. Each test has a queue of its own, so nothing else on the broker takes its calls.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from engine import (
    Actor,
    InstanceView,
    Job,
    JobRunner,
    ServiceRegistry,
    WorkflowEngine,
    field_crypto,
    integration,
    utcnow,
)
from webui import service_workers

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "engine")]
from tiny_bpmn import bundle, linear, service, user  # noqa: E402

BROKER = os.environ.get("OPSFLOW_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
ALICE = Actor("alice", frozenset({"requesters"}), department="IT")
PURCHASE = {"item": "Docking station", "supplier": "ACME", "quantity": 2, "unit_price": 300.0, "reason": "new hire",
            "department": "IT"}


def _broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _broker_up(), reason="RabbitMQ is not running at 127.0.0.1:5672")


@dataclass(frozen=True)
class Offsite:
    queue: str


@pytest.fixture
def offsite(database_url: str) -> Iterator[Offsite]:
    """A queue of this test's own and one Celery worker process on it, against the test's database."""
    queue = f"opsflow-test-{uuid.uuid4().hex[:12]}"
    service_workers.configure(BROKER, queue)
    integration.workers.use_sender(service_workers.send)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "OPSFLOW_CELERY_BROKER": BROKER,
           "OPSFLOW_CELERY_QUEUE": queue, field_crypto.ENV: ",".join(field_crypto.keyring().keys)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "webui.service_workers", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@%h"],
        env=env, cwd=ROOT)
    yield Offsite(queue)
    worker.send_signal(signal.SIGQUIT)  # a cold shutdown: the test's work is done, nothing is left to finish
    try:
        worker.wait(timeout=2)
    except subprocess.TimeoutExpired:  # blocked reading the broker, it hears the signal only ten seconds later
        worker.kill()
        worker.wait(timeout=10)
    integration.workers.use_sender(None)
    service_workers.configure()
    with service_workers.celery.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def on_workers(workflow_engine: WorkflowEngine) -> WorkflowEngine:
    integration.workers.use_workers(workflow_engine.registry)
    return workflow_engine


def until(eng: WorkflowEngine, instance_id: int, done: Callable[[InstanceView], bool],
          timeout: float = 90) -> InstanceView:
    deadline = time.monotonic() + timeout
    while not done(view := eng.get(instance_id)):
        assert time.monotonic() < deadline, f"instance still {view.status}: {[e.kind for e in view.history]}"
        JobRunner(eng).run_due(utcnow(), "scheduler")  # as the scheduler polls
        time.sleep(0.2)
    return view


def test_a_worker_runs_the_step_and_its_result_resumes_the_flow(on_workers: WorkflowEngine, offsite: Offsite) -> None:
    started = on_workers.start("purchase_approval", PURCHASE, ALICE)
    assert (started.status, started.tasks) == ("waiting", [])
    assert "budget_check" not in started.data
    assert [e.kind for e in on_workers.get(started.id).history][-1] == "step_waiting"
    view = until(on_workers, started.id, lambda v: any(t.status == "open" for t in v.tasks))
    assert view.data["budget_check"]["department"] == "IT"
    assert view.data["budget_check"]["within_budget"] in (True, False)
    kinds = [(e.kind, e.task_name) for e in view.history]
    assert ("step_waiting", "Task_check_budget") in kinds and ("step_completed", "Task_check_budget") in kinds


@dataclass(frozen=True)
class Nothing:
    pass


def test_an_operation_the_worker_lacks_fails_the_instance_with_a_retry(
        db: Engine, registry: ServiceRegistry, offsite: Offsite) -> None:
    registry.register("qa.only_here", lambda call, req: {"ok": True}, Nothing)
    eng = WorkflowEngine(db, integration.workers.use_workers(registry))
    eng.deploy_bundle(bundle(linear("lonely", service("ask", "qa.only_here", {}), user("check", "clerks"))))
    started = eng.start("lonely", {}, ALICE)
    view = until(eng, started.id, lambda v: v.status == "error")
    assert "this worker has no operation 'qa.only_here'" in view.error_message
    with eng.read() as s:
        assert s.scalar(select(Job.status).where(Job.kind == "retry", Job.instance_id == started.id)) == "pending"
