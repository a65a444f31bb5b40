"""What each everyday request costs the database: statements and commits, with a budget per endpoint.

A change that makes one of these requests send more statements or commit more often fails here,
naming the request and listing what it sent; lowering a budget after making a request cheaper
keeps the gain. Counted on the demo database, the second time each request is made (the first
pays for warming the workflow and form caches, which every later request reuses).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from api_helpers import PURCHASE, ApiClient, open_task
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import HumanTask
from tests.bench.statements import Count, counting
from webui.extensions import db

pytest_plugins = ["api_fixtures"]

# (statements, commits) per request, as counted on SQLite (PostgreSQL sends one fewer for a completion); the API
# commands answer with the whole instance read in their own transaction, hence one commit
BUDGETS: dict[str, tuple[int, int]] = {
    "api start": (15, 1),  # one of them reads the webhook subscriptions to the events it logs
    "api task list": (4, 1),
    "api task": (6, 1),
    "api complete": (19, 1),
    "api instance": (7, 1),
    "page start": (15, 2),
    "page inbox": (12, 2),  # the four tabs counted in one statement, the nav badge from two of them
    "page task": (21, 4),  # the budget now, the hand-over and the automatic-approval hint
    "page complete": (31, 5),  # a revision also reads the instance and keeps what changed
    "page instance": (15, 2),
}
FORM = {"supplier": "ACME", "reason": "new hire", "lines-1-item": "Docking station", "lines-1-quantity": "2",
        "lines-1-unit_price": "3000"}
REPORT = os.environ.get("OPSFLOW_STATEMENTS_REPORT")


def _check(app: Flask, name: str, request: Callable[[], Any], ok: Callable[[Any], bool]) -> Count:
    with app.app_context():
        engine = db.engine
    with counting(engine) as count:
        answer = request()
    assert ok(answer), (name, answer.status_code, answer.get_data(as_text=True)[:500])
    if REPORT:
        with open(REPORT, "a") as out:
            out.write(f"{name}: {count}\n")
    statements, commits = BUDGETS[name]
    # the access rules are re-read at most every two seconds per worker, whichever request comes then:
    # not a request's own cost (a slow, loaded run would otherwise see it in any of them)
    count.statements -= sum("FROM access_grants" in text for text in count.texts)
    assert count.statements <= statements and count.commits <= commits, f"{name} is over budget: {count}"
    return count


def _warm_api(api_client: ApiClient) -> dict[str, Any]:
    """Start and decide one request first, so the counts are of requests as a running server serves them."""
    warm = api_client.start_purchase("alice")
    api_client.get("/tasks", "bob")
    api_client.get(f"/process-instances/{warm['id']}", "bob")
    api_client.post(f"/tasks/{open_task(warm)['id']}/complete", "bob", json={"data": {"decision": "approve"}})
    return warm


def test_the_api_requests_stay_within_their_statement_budgets(api_app: Flask, api_client: ApiClient) -> None:
    _warm_api(api_client)
    started = _check(api_app, "api start", lambda: api_client.post(
        "/process-instances", "alice", json={"process": "purchase_approval", "data": PURCHASE}),
        lambda r: r.status_code == 201)
    assert started.commits >= 1  # the step is written
    instance = api_client.get("/tasks", "bob").get_json()["items"][-1]["instance_id"]
    task = open_task(api_client.get(f"/process-instances/{instance}", "bob").get_json())
    _check(api_app, "api task list", lambda: api_client.get("/tasks", "bob"), lambda r: r.status_code == 200)
    _check(api_app, "api task", lambda: api_client.get(f"/tasks/{task['id']}", "bob"), lambda r: r.status_code == 200)
    _check(api_app, "api instance", lambda: api_client.get(f"/process-instances/{instance}", "bob"),
           lambda r: r.status_code == 200)
    _check(api_app, "api complete", lambda: api_client.post(
        f"/tasks/{task['id']}/complete", "bob", json={"data": {"decision": "approve", "comment": "ok"}}),
        lambda r: r.status_code == 200)


def _warm_pages(alice: FlaskClient, bob: FlaskClient) -> None:
    alice.post("/requests/new", data=FORM)
    page = bob.get("/inbox")
    assert page.status_code == 200


def _newest_task(app: Flask) -> tuple[str, int]:
    with app.app_context():
        row = db.session.execute(select(HumanTask.id, HumanTask.instance_id).where(HumanTask.status == "open",
                                 HumanTask.candidate_group == "IT-managers")
                                 .order_by(HumanTask.created_at.desc()).limit(1)).one()
        db.session.close()
    return row.id, row.instance_id


def test_the_pages_stay_within_their_statement_budgets(app: Flask, login: Callable[..., FlaskClient]) -> None:
    alice, bob = login("alice"), login("bob")
    _warm_pages(alice, bob)
    warm_task, warm_instance = _newest_task(app)
    bob.get(f"/tasks/{warm_task}")
    bob.get(f"/instances/{warm_instance}")
    bob.post(f"/tasks/{warm_task}", data={"decision": "approve", "comment": "ok"})
    _check(app, "page start", lambda: alice.post("/requests/new", data=FORM), lambda r: r.status_code == 302)
    task, instance = _newest_task(app)
    _check(app, "page inbox", lambda: bob.get("/inbox"), lambda r: r.status_code == 200)
    _check(app, "page task", lambda: bob.get(f"/tasks/{task}"), lambda r: r.status_code == 200)
    _check(app, "page instance", lambda: bob.get(f"/instances/{instance}"), lambda r: r.status_code == 200)
    _check(app, "page complete", lambda: bob.post(f"/tasks/{task}", data={"decision": "approve", "comment": "ok"}),
           lambda r: r.status_code == 302)
