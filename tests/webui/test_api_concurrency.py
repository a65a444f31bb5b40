"""Two clients acting on the same task at the same moment, through a real HTTP server and real threads.

Exactly one wins; the other gets 409; the instance never records the
task twice nor creates a second purchase order.
"""
from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from api_helpers import PURCHASE, add_user, open_task
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from engine import Event, HumanTask
from modules.procurement import PurchaseOrder
from webui.extensions import db

pytest_plugins = ["api_fixtures"]

ROUNDS = 5


@pytest.fixture
def api_server(api_app: Flask) -> Iterator[tuple[str, int]]:
    server = make_server("127.0.0.1", 0, api_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-test-server", daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_port
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def send(address: tuple[str, int], path: str, token: str, body: Any = None,
         barrier: threading.Barrier | None = None) -> tuple[int, dict[str, Any]]:
    """POST JSON; when a barrier is given, connect first and send only once every racer is ready."""
    conn = http.client.HTTPConnection(*address, timeout=60)
    try:
        conn.connect()
        if barrier is not None:
            barrier.wait(timeout=30)
        conn.request("POST", f"/api/v1{path}", body=json.dumps(body or {}),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def race(address: tuple[str, int], path: str, entries: dict[str, tuple[str, Any]]) -> dict[str, tuple[int, Any]]:
    """Send one request per racer at once; return each racer's (status, body)."""
    barrier = threading.Barrier(len(entries))
    results: dict[str, tuple[int, Any]] = {}

    def run(name: str, token: str, body: Any) -> None:
        try:
            results[name] = send(address, path, token, body, barrier)
        except Exception as exc:  # surfaced by the assertion below, with the cause
            results[name] = (0, repr(exc))

    threads = [threading.Thread(target=run, args=(name, token, body)) for name, (token, body) in entries.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def racers(api_app: Flask, api_tokens: dict[str, str]) -> dict[str, str]:
    """bob and erin are both IT managers, so both may decide on alice's requests."""
    erin = add_user(api_app, "erin", groups=["requesters", "IT-managers"], roles=["requester", "manager"],
                    department="IT")
    return {"alice": api_tokens["alice"], "bob": api_tokens["bob"], "erin": erin}


def start(address: tuple[str, int], token: str) -> dict[str, Any]:
    status, body = send(address, "/process-instances", token,
                        {"process": "purchase_approval", "data": {**PURCHASE, "quantity": 1, "unit_price": 6000.0}})
    assert status == 201, body
    return body


def test_two_approvers_completing_the_same_task_at_once(api_app: Flask, api_server: tuple[str, int],
                                                        racers: dict[str, str]) -> None:
    for round_no in range(ROUNDS):
        instance = start(api_server, racers["alice"])
        task_id = open_task(instance)["id"]
        decisions = {"bob": {"decision": "approve", "comment": f"round {round_no}"},
                     "erin": {"decision": "reject", "comment": f"round {round_no}: no"}}
        results = race(api_server, f"/tasks/{task_id}/complete",
                       {name: (racers[name], {"data": data}) for name, data in decisions.items()})

        assert sorted(status for status, _ in results.values()) == [200, 409], results
        [winner] = [name for name, (status, _) in results.items() if status == 200]
        [(_, conflict)] = [r for r in results.values() if r[0] == 409]
        assert "no longer open" in conflict["error"] or "changed by someone else" in conflict["error"]
        final = results[winner][1]
        assert final["status"] == "completed"
        assert final["data"]["decision"] == decisions[winner]["decision"]

        with api_app.app_context():
            completions = db.session.scalars(select(Event).where(
                Event.task_id == task_id, Event.kind == "task_completed")).all()
            row = db.session.get(HumanTask, task_id)
            orders = db.session.scalar(select(func.count()).select_from(PurchaseOrder).where(
                PurchaseOrder.instance_id == instance["id"]))
        assert [e.actor for e in completions] == [winner]
        assert (row.status, row.completed_by, row.outcome) == ("completed", winner, decisions[winner]["decision"])
        assert orders == (1 if winner == "bob" else 0)
        assert ("purchase_order" in final["data"]) == (winner == "bob")


def test_two_approvers_claiming_the_same_task_at_once(api_app: Flask, api_server: tuple[str, int],
                                                      racers: dict[str, str]) -> None:
    for _ in range(ROUNDS):
        task_id = open_task(start(api_server, racers["alice"]))["id"]
        results = race(api_server, f"/tasks/{task_id}/claim", {name: (racers[name], None) for name in ("bob", "erin")})

        assert sorted(status for status, _ in results.values()) == [200, 409], results
        [winner] = [name for name, (status, _) in results.items() if status == 200]
        assert results[winner][1]["assignee"] == winner
        with api_app.app_context():
            assert db.session.get(HumanTask, task_id).assignee == winner
            claims = db.session.scalar(select(func.count()).select_from(Event).where(
                Event.task_id == task_id, Event.kind == "task_claimed"))
        assert claims == 1
