"""A small history in a quiet month for the monitor's browser tests: whatever else the suite files lands elsewhere."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from playwright.sync_api import Page
from sqlalchemy import select, update

from engine import HumanTask, ProcessInstance, User
from webui.extensions import actor_for, db


def file_in_november(live_app: Any, claimed_by: str | None = None) -> dict[str, list[int]]:
    """IT files two purchase requests and Finance one, moved back to November 2019; `claimed_by` claims IT's second."""
    engine = live_app.extensions["opsflow.engine"]
    filed: dict[str, list[int]] = {"IT": [], "Finance": []}
    with live_app.app_context():
        people = {u.username: actor_for(u) for u in db.session.scalars(
            select(User).where(User.username.in_(("alice", "carol", claimed_by or "alice"))))}
        db.session.rollback()  # the reading transaction ends before the engine writes
        moved = {}
        for username, department, day in (("alice", "IT", 4), ("alice", "IT", 18), ("carol", "Finance", 11)):
            data = {"item": "Monitor arm", "supplier": "ACME", "quantity": 1, "unit_price": 400.0,
                    "reason": "desk", "department": department}
            instance_id = engine.start("purchase_approval", data, people[username]).id
            moved[instance_id] = datetime(2019, 11, day, 6)
            filed[department].append(instance_id)
        if claimed_by:
            task = next(t.id for t in engine.get(filed["IT"][1]).tasks if t.status == "open")
            engine.claim(task, people[claimed_by])
        for instance_id, at in moved.items():
            db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(created_at=at))
            db.session.execute(update(HumanTask).where(HumanTask.instance_id == instance_id).values(created_at=at))
        db.session.commit()
    return filed


def listed_instances(page: Page) -> list[int]:
    """The instances a drill-down page lists, in its order."""
    return [int(i) for i in page.get_by_test_id("behind-row").evaluate_all("rows => rows.map(r => r.dataset.instance)")]
