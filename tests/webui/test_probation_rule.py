"""The demo's rule set end to end: a small request is approved by rule on schedule, unless the requester is
still on probation (HR's hiring date), and each instance's history says why."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy.orm import Session

from engine import Actor, WorkflowEngine, utcnow
from modules.hr import Employee
from webui.extensions import db
from webui.scheduler import scheduler_of


def hire(app: Flask, username: str, days_ago: int) -> None:
    with app.app_context(), Session(db.engine) as session, session.begin():
        session.add(Employee(number=f"E-{username}", name=username.title(), department="IT", username=username,
                             hired_on=(utcnow() - timedelta(days=days_ago)).date()))


def small_request(engine: WorkflowEngine, requester: Actor) -> int:
    return engine.start("purchase_approval", {"item": "USB-C 扩展坞", "supplier": "联想 Lenovo", "quantity": 2,
                                              "unit_price": 450.0, "reason": "new desk", "department": "IT"},
                        requester).id


def test_a_requester_on_probation_is_never_approved_automatically(
        app: Flask, engine: WorkflowEngine, login: Callable, add_user: Callable[..., None],
        actor: Callable[[str], Actor]) -> None:
    add_user("nina", "IT")
    hire(app, "nina", days_ago=30)  # six months' probation by default
    on_probation = small_request(engine, actor("nina"))
    settled = small_request(engine, actor("alice"))  # hired in 2021

    scheduler = scheduler_of(app)
    scheduler.clock = lambda: utcnow() + timedelta(minutes=1)  # the demo rule set's next run has come
    assert scheduler.poll().auto_approved == 1

    approved = engine.get(settled)
    assert approved.status == "completed"
    [event] = [e for e in approved.history if e.kind == "task_completed"]
    assert (event.actor, event.detail["rule"]) == ("system", "small, from a trusted supplier")
    assert event.detail["inputs"] == {"requester_on_probation": False, "auto_approval_eligible": True,
                                      "supplier_rating": 5}

    waiting = engine.get(on_probation)
    assert waiting.status == "waiting"
    assert [t.task_name for t in waiting.tasks if t.status == "open"] == ["Task_manager_approval"]
    [note] = [e for e in waiting.history if e.kind == "rule_not_applied"]
    assert note.detail["reasons"] == ["vetoed by probation: requester_on_probation=True == True"]

    bob = login("bob")
    page = bob.get(f"/instances/{on_probation}").get_data(as_text=True)
    assert "Left to a person by the rules" in page
    assert "Left to a person, because the requester is on probation." in page
    page = bob.get(f"/instances/{settled}").get_data(as_text=True)
    assert "Approved automatically by the rule “small, from a trusted supplier”" in page
