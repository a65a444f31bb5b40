"""Webhooks: deliveries written with the events, sent after the commit, signed, retried, never in the way."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from http_receiver import Receiver
from sqlalchemy import Engine, select
from tiny_bpmn import bundle, linear, script, user

from engine import Actor, AuditEntry, InvalidData, JobRunner, WorkflowEngine
from engine.integration import OutboxMessage, subscriptions, webhooks

T0 = datetime(2030, 1, 1, 12, 0)
RITA, BEA = Actor("rita"), Actor("bea", groups=frozenset({"clerks"}))
FLOW = linear("leave", user("approve", "clerks"), script("note", "noted = True"))


@pytest.fixture
def eng(db: Engine) -> WorkflowEngine:
    eng = WorkflowEngine(db, clock=lambda: T0)
    webhooks.subscribe(eng)
    eng.deploy_bundle(bundle(FLOW))
    return eng


def subscribe(eng: WorkflowEngine, url: str, events: list[str]) -> tuple[int, str]:
    with eng._write() as s:
        sub = subscriptions.add(s, name="ERP", url=url, events=events, actor="root", now=T0)
        return sub.id, sub.secret


def deliveries(eng: WorkflowEngine) -> list[OutboxMessage]:
    with eng.read() as s:
        return list(reversed(webhooks.deliveries(s, limit=500).rows))


def test_each_subscribed_event_is_delivered_after_the_commit_signed_with_the_secret(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    sub_id, secret = subscribe(eng, f"{receiver.url}/hooks", list(webhooks.EVENT_NAMES))
    view = eng.start("leave", {"days": 3}, RITA)
    assert receiver.requests == []
    [task] = view.tasks
    eng.complete(task.id, BEA, {})
    assert [d.event for d in deliveries(eng)] == ["instance.started", "task.created", "task.completed",
                                                  "instance.completed"]
    at = T0 + timedelta(seconds=5)
    assert JobRunner(eng).run_due(at, "w1").done == 4
    bodies = [r.json() for r in receiver.requests]
    assert sorted(b["event"] for b in bodies) == sorted(["instance.started", "task.created", "task.completed",
                                                         "instance.completed"])
    completed = next(b for b in bodies if b["event"] == "task.completed")
    assert completed["instance"] == {"id": view.id, "process": "leave", "business_key": None, "status": "completed"}
    assert (completed["actor"], completed["task"]["name"]) == ("bea", "approve")
    for got in receiver.requests:
        body = got.body.decode()
        assert got.headers[webhooks.TIMESTAMP_HEADER] == str(int(at.replace(tzinfo=UTC).timestamp()))
        assert webhooks.verify(secret, got.headers, body, at)
        assert not webhooks.verify("whsec_wrong", got.headers, body, at)
        assert not webhooks.verify(secret, got.headers, body + " ", at)  # the body was changed on the way
        assert not webhooks.verify(secret, got.headers, body, at + timedelta(minutes=10))  # an old one replayed
        assert got.headers["X-OpsFlow-Delivery"] == got.headers["Idempotency-Key"] == got.json()["id"]
    assert {d.status for d in deliveries(eng)} == {"sent"}
    assert all(d.subscription_id == sub_id for d in deliveries(eng))


def test_only_the_chosen_events_go_to_a_subscription_and_a_disabled_one_gets_none(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    sub_id, _ = subscribe(eng, receiver.url, ["instance.completed"])
    eng.start("leave", {}, RITA)
    assert deliveries(eng) == []
    with eng._write() as s:
        subscriptions.set_active(s, sub_id, False, actor="root", now=T0)
    [task] = eng.start("leave", {}, RITA).tasks
    eng.complete(task.id, BEA, {})
    assert deliveries(eng) == []
    with eng.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["definition.deployed", "admin.webhook_added", "admin.webhook_disabled"]


def test_a_failing_receiver_never_blocks_the_flow_and_is_retried_with_backoff(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    _, secret = subscribe(eng, receiver.url, ["task.created"])
    receiver.fail_next = 2
    view = eng.start("leave", {}, RITA)
    assert view.status == "waiting" and len(view.tasks) == 1  # the flow went on
    runner = JobRunner(eng, backoff=timedelta(seconds=30))
    assert runner.run_due(T0, "w1").retried == 1
    [delivery] = deliveries(eng)
    assert (delivery.status, delivery.attempts) == ("pending", 1) and "503" in delivery.last_error
    assert runner.run_due(T0 + timedelta(seconds=30), "w1").retried == 1
    at = T0 + timedelta(seconds=90)
    assert runner.run_due(at, "w1").done == 1
    assert len(receiver.requests) == 3
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1
    last = receiver.requests[-1]
    assert webhooks.verify(secret, last.headers, last.body.decode(), at)  # signed anew for each attempt
    assert deliveries(eng)[0].status == "sent"


def test_an_instance_in_error_is_an_incident_event(db: Engine, receiver: Receiver) -> None:
    eng = WorkflowEngine(db, clock=lambda: T0)
    webhooks.subscribe(eng)
    eng.deploy_bundle(bundle(linear("broken", script("boom", "x = 1 / 0"))))
    subscribe(eng, receiver.url, ["incident"])
    assert eng.start("broken", {}, RITA).status == "error"
    JobRunner(eng).run_due(T0, "w1")
    [got] = [r.json() for r in receiver.requests]
    assert (got["event"], got["kind"], got["task"]["name"]) == ("incident", "instance_error", "boom")
    assert "division by zero" in got["detail"]["error"]


def test_a_subscription_names_what_is_wrong(eng: WorkflowEngine) -> None:
    with eng._write() as s, pytest.raises(InvalidData) as bad:
        subscriptions.add(s, name="", url="ftp://x", events=["coffee.made"], actor="root", now=T0)
    assert set(bad.value.errors) == {"name", "url", "events"}
    with eng.read() as s:
        assert webhooks.deliveries(s).rows == []


def test_the_delivery_log_is_paged_and_says_when_more_follow(eng: WorkflowEngine, receiver: Receiver) -> None:
    subscribe(eng, receiver.url, ["instance.started"])
    for _ in range(5):
        eng.start("leave", {}, RITA)
    with eng.read() as s:
        first = webhooks.deliveries(s, limit=2)
        last = webhooks.deliveries(s, limit=2, offset=4)
    assert (len(first.rows), first.more) == (2, True)
    assert (len(last.rows), last.more) == (1, False)
