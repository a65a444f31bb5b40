"""Suspending and resuming an instance, and commands that name the revision they saw (409 when it changed)."""
from __future__ import annotations

from datetime import timedelta

from api_helpers import ApiClient, open_task
from flask import Flask

from webui.extensions import workflow_engine

pytest_plugins = ["api_fixtures"]


def test_a_suspended_instance_holds_its_task_until_resumed(api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice")
    task = open_task(instance)
    assert api_client.post(f"/process-instances/{instance['id']}/suspend", "bob").status_code == 403
    held = api_client.post(f"/process-instances/{instance['id']}/suspend", "admin")
    assert held.status_code == 200 and held.get_json()["status"] == "suspended"
    assert "instance_suspended" in [e["kind"] for e in held.get_json()["history"]]
    for action in ("claim", "complete"):
        response = api_client.post(f"/tasks/{task['id']}/{action}", "bob", json={"data": {"decision": "approve"}}
                                   if action == "complete" else None)
        assert response.status_code == 409 and "suspended" in response.get_json()["error"], action
    listed = api_client.get("/process-instances?status=suspended", "admin").get_json()["items"]
    assert instance["id"] in [i["id"] for i in listed]
    assert api_client.post(f"/process-instances/{instance['id']}/suspend", "admin").status_code == 409

    going = api_client.post(f"/process-instances/{instance['id']}/resume", "admin")
    assert going.status_code == 200 and going.get_json()["status"] == "waiting"
    done = api_client.post(f"/tasks/{task['id']}/complete", "bob", json={"data": {"decision": "approve"}})
    assert done.status_code == 200
    assert api_client.post(f"/process-instances/{instance['id']}/resume", "admin").status_code == 409


def test_a_timer_that_comes_due_while_suspended_fires_after_resuming(api_app: Flask, api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice")
    api_client.post(f"/process-instances/{instance['id']}/suspend", "admin")
    with api_app.app_context():
        engine = workflow_engine()
        later = engine.clock() + timedelta(days=30)
        engine.wake_timers(later)  # any timer job finds the instance suspended and does nothing
        assert engine.get(instance["id"]).status == "suspended"
    assert api_client.post(f"/process-instances/{instance['id']}/resume", "admin").get_json()["status"] == "waiting"


def test_a_command_naming_a_stale_revision_is_409_and_changes_nothing(api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice")
    seen = api_client.get(f"/process-instances/{instance['id']}", "alice").get_json()["revision"]
    task = open_task(instance)
    assert api_client.post(f"/tasks/{task['id']}/claim", "bob").status_code == 200  # changes the instance
    stale = api_client.post(f"/process-instances/{instance['id']}/cancel", "alice", json={"revision": seen})
    assert stale.status_code == 409 and set(stale.get_json()["detail"]) == {"revision"}
    assert api_client.get(f"/process-instances/{instance['id']}", "alice").get_json()["status"] == "waiting"
    now = api_client.get(f"/process-instances/{instance['id']}", "alice").get_json()["revision"]
    assert now > seen
    cancelled = api_client.post(f"/process-instances/{instance['id']}/cancel", "alice", json={"revision": now})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    bad = api_client.post(f"/process-instances/{instance['id']}/suspend", "admin", json={"revision": "3"})
    assert bad.status_code == 400 and set(bad.get_json()["detail"]) == {"revision"}
