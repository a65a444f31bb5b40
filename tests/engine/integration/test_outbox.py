"""The outbox: a call to another system is recorded with its step, sent after the commit, once.

The bank is a real HTTP server (`http_receiver`); the crash tests kill a real OpsFlow process with
SIGKILL between the commit and the send, and after the send but before "sent" was written, then
restart one: the bank acts on the payment exactly once.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from http_receiver import Receiver
from payment_flow import payment_bundle, payment_registry
from sqlalchemy import Engine, select

from engine import Actor, Job, JobRunner, WorkflowEngine, field_crypto
from engine.integration import OUTBOX_JOB, OutboxMessage

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2030, 1, 1, 12, 0)
RITA = Actor("rita")
ADMIN = Actor("root", roles=frozenset({"admin"}))


@pytest.fixture
def eng(db: Engine, receiver: Receiver) -> WorkflowEngine:
    eng = WorkflowEngine(db, payment_registry(receiver.url), clock=lambda: T0)
    eng.deploy_bundle(payment_bundle())
    return eng


def messages(eng: WorkflowEngine) -> list[OutboxMessage]:
    with eng.read() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def outbox_jobs(eng: WorkflowEngine) -> list[Job]:
    with eng.read() as s:
        return list(s.scalars(select(Job).where(Job.kind == OUTBOX_JOB).order_by(Job.id)))


def test_the_call_is_recorded_with_the_step_and_sent_after_the_commit_with_its_key(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    view = eng.start("paying", {"amount": 1250.0}, RITA)
    assert receiver.requests == []  # the step committed; nothing has left yet
    [message] = messages(eng)
    assert (message.status, message.instance_id, message.method) == ("pending", view.id, "POST")
    report = JobRunner(eng).run_due(T0, "w1")
    assert report.done == 1
    [got] = receiver.requests
    assert (got.method, got.path, got.json()) == ("POST", "/payments", {"amount": 1250.0})
    assert got.headers["Idempotency-Key"] == message.key
    [sent] = messages(eng)
    assert (sent.status, sent.response_status, sent.attempts) == ("sent", 201, 1)
    assert json.loads(sent.response_body) == {"ok": True, "id": 1}
    assert JobRunner(eng).run_due(T0 + timedelta(hours=1), "w1").claimed == 0
    assert len(receiver.requests) == 1


def test_a_step_that_fails_after_recording_its_call_leaves_no_call(db: Engine, receiver: Receiver) -> None:
    registry = payment_registry(receiver.url)
    original = registry.get("bank.send_payment")

    def pay_then_fail(call, req):  # noqa: ANN001, ANN202
        original.func(call, req)
        raise ConnectionError("ledger is closed")

    broken = type(registry)()
    broken.register("bank.send_payment", pay_then_fail, original.params)
    eng = WorkflowEngine(db, broken, clock=lambda: T0)
    eng.deploy_bundle(payment_bundle())
    assert eng.start("paying", {"amount": 10.0}, RITA).status == "error"
    assert messages(eng) == [] and outbox_jobs(eng) == []
    JobRunner(eng).run_due(T0 + timedelta(hours=1), "w1")
    assert receiver.requests == []


def test_a_receiver_that_is_down_gets_the_call_again_later_with_the_same_key(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    eng.start("paying", {"amount": 99.0}, RITA)
    receiver.fail_next = 2
    runner = JobRunner(eng, backoff=timedelta(seconds=30))
    assert runner.run_due(T0, "w1").retried == 1
    [message] = messages(eng)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "HTTP 503" in message.last_error
    assert runner.run_due(T0 + timedelta(seconds=29), "w1").claimed == 0  # backing off
    assert runner.run_due(T0 + timedelta(seconds=30), "w1").retried == 1
    assert runner.run_due(T0 + timedelta(seconds=89), "w1").claimed == 0  # twice as long
    assert runner.run_due(T0 + timedelta(seconds=90), "w1").done == 1
    assert len(receiver.requests) == 3
    assert {r.headers["Idempotency-Key"] for r in receiver.requests} == {message.key}
    assert list(receiver.acted) == [message.key]
    assert messages(eng)[0].status == "sent"


def test_a_receiver_that_never_answers_makes_an_incident_an_operator_retries(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    view = eng.start("paying", {"amount": 5.0}, RITA)
    receiver.fail_next = 99
    runner = JobRunner(eng, backoff=timedelta(seconds=1))
    at = T0
    for _ in range(5):
        runner.run_due(at, "w1")
        at += timedelta(minutes=1)
    [message] = messages(eng)
    assert (message.status, message.attempts) == ("failed", 5)
    [job] = outbox_jobs(eng)
    assert job.status == "failed"
    assert eng.get(view.id).status == "waiting"  # the flow went on to its next step all the same
    receiver.fail_next = 0
    runner.retry(job.id, ADMIN)
    assert runner.run_due(at, "w1").done == 1
    assert messages(eng)[0].status == "sent"
    assert len(receiver.acted) == 1


def test_the_same_step_records_its_call_once(eng: WorkflowEngine) -> None:
    from engine import integration

    eng.start("paying", {"amount": 1.0}, RITA)
    [message] = messages(eng)
    with eng._write() as s:
        assert not integration.record(s, key=message.key, method="POST", url="http://elsewhere", now=T0)
    assert len(messages(eng)) == 1 and len(outbox_jobs(eng)) == 1


# -- crashes: a real process, killed ---------------------------------------------------------------
def opsflow_process(database_url: str, mode: str, receiver: Receiver, marker: Path,
                    offset: float = 0) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "engine"),
                                                         str(Path(__file__).parent)]),
           field_crypto.ENV: ",".join(field_crypto.keyring().keys)}
    args = [sys.executable, str(Path(__file__).with_name("outbox_worker.py")), database_url, mode, receiver.url,
            str(marker), str(offset)]
    return subprocess.Popen(args, env=env, cwd=ROOT)


def wait_for(condition, timeout: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def start_and_kill(database_url: str, receiver: Receiver, tmp_path: Path) -> Path:
    """A process starts a payment (the step commits its call) and is killed before it sends it."""
    marker = tmp_path / "started"
    starter = opsflow_process(database_url, "start", receiver, marker)
    wait_for(marker.exists)
    kill(starter)
    return marker


def test_a_process_killed_between_commit_and_send_leaves_the_call_to_be_sent_once_after_restart(
        database_url: str, receiver: Receiver, tmp_path: Path, db: Engine) -> None:
    marker = start_and_kill(database_url, receiver, tmp_path)
    assert receiver.requests == []
    eng = WorkflowEngine(db)
    [message] = messages(eng)
    assert (message.status, message.instance_id) == ("pending", int(marker.read_text()))
    restarted = opsflow_process(database_url, "send", receiver, marker)
    assert restarted.wait(timeout=120) == 0
    assert len(receiver.requests) == 1
    assert receiver.requests[0].headers["Idempotency-Key"] == message.key
    assert messages(eng)[0].status == "sent"
    again = opsflow_process(database_url, "send", receiver, marker, offset=3600)
    assert again.wait(timeout=120) == 0
    assert len(receiver.requests) == 1


def test_a_process_killed_after_sending_and_before_noting_it_sends_again_with_the_same_key(
        database_url: str, receiver: Receiver, tmp_path: Path, db: Engine) -> None:
    marker = start_and_kill(database_url, receiver, tmp_path)
    receiver.hold()  # the receiver takes the call, and the sender dies before the answer
    sender = opsflow_process(database_url, "send", receiver, marker)
    wait_for(lambda: len(receiver.requests) == 1)
    kill(sender)
    receiver.release()
    eng = WorkflowEngine(db)
    assert messages(eng)[0].status == "pending"
    restarted = opsflow_process(database_url, "send", receiver, marker, offset=120)  # past the lease
    assert restarted.wait(timeout=120) == 0
    assert len(receiver.requests) == 2
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1
    assert len(receiver.acted) == 1  # one payment
    [message] = messages(eng)
    assert (message.status, message.response_status) == ("sent", 200)
