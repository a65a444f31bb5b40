"""The scheduler's housekeeping: a deputy takes over the tasks of someone whose absence begins."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from engine import Actor, WorkflowEngine, utcnow
from webui.scheduler import scheduler_of


def test_the_scheduler_hands_tasks_to_the_deputy_when_an_absence_begins(
        app: Flask, engine: WorkflowEngine, actor: Callable[[str], Actor]) -> None:
    bob = actor("bob")
    task = engine.open_tasks(bob)[0]
    engine.claim(task.id, bob)
    tomorrow = utcnow().date() + timedelta(days=1)
    app.extensions["opsflow.workplace"].set_absence(bob, "admin", tomorrow, tomorrow + timedelta(days=2))
    scheduler_of(app).poll()
    assert engine.task(task.id, bob).assignee == "bob", "the absence has not begun"

    engine.clock = lambda: utcnow() + timedelta(days=1)
    scheduler_of(app)._last_escalation = None  # the housekeeping runs at most once a minute
    scheduler_of(app).poll()
    moved = engine.task(task.id, actor("admin"))
    assert moved.assignee == "admin"
    assert "task_substituted" in [e.kind for e in engine.get(moved.instance_id).history]


def test_the_scheduler_expires_contracts_past_their_last_day(app: Flask, engine: WorkflowEngine) -> None:
    from sqlalchemy import select

    from modules.procurement import Contract
    from webui.extensions import db

    year = utcnow().year
    engine.clock = lambda: utcnow().replace(year=year + 1, month=1, day=1)  # the demo's contracts end this year
    scheduler_of(app)._last_escalation = None
    scheduler_of(app).poll()
    with app.app_context():
        statuses = dict(db.session.execute(select(Contract.number, Contract.status)).all())
    assert statuses[f"HC-CG-{year}-001"] == "expired" and statuses[f"HC-CG-{year}-003"] == "active", \
        "a contract running into next year stays active"
    assert statuses[f"HC-CG-{year}-006"] == "terminated", "only active contracts expire"
