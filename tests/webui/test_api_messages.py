"""POST /api/v1/messages: a message starts the flow that begins with it, or wakes the one instance waiting."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import ApiClient
from flask import Flask
from sqlalchemy import select

from engine import AuditEntry, Bundle, SourceFile
from webui.extensions import db, workflow_engine

pytest_plugins = ["api_fixtures"]

FLOWS = Path(__file__).with_name("message_flows.bpmn")


@pytest.fixture
def messages(api_app: Flask, api_client: ApiClient) -> ApiClient:
    with api_app.app_context():
        workflow_engine().deploy_bundle(Bundle.from_path(FLOWS), "admin")
    return api_client


def send(client: ApiClient, name: str, key: str, payload: dict[str, Any] | None = None,
         user: str = "admin") -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"name": name, "correlation_key": key}
    if payload is not None:
        body["payload"] = payload
    response = client.post("/messages", user, json=body)
    return response.status_code, response.get_json()


def test_a_message_starts_the_flow_then_the_next_ones_wake_it_until_it_ends(messages: ApiClient,
                                                                            api_app: Flask) -> None:
    status, started = send(messages, "order_placed", "SO-1001", {"customer": "Acme", "amount": 880.0})
    assert status == 201 and started["started"] is True and started["element"] == "order_placed"
    order = started["instance"]
    assert order["process"] == "paid_order" and order["business_key"] == "SO-1001"
    assert order["status"] == "waiting" and order["data"]["customer"] == "Acme"

    status, paid = send(messages, "payment_confirmed", "SO-1001", {"paid": 880.0, "bank_ref": "TX-77"})
    assert status == 200 and paid["started"] is False and paid["element"] == "payment_confirmed"
    assert paid["instance"]["id"] == order["id"] and paid["instance"]["status"] == "waiting"

    status, shipped = send(messages, "goods_shipped", "SO-1001", {"carrier": "SF Express"})
    assert status == 200 and shipped["element"] == "goods_shipped"  # the receive task took it
    done = shipped["instance"]
    assert done["status"] == "completed"
    assert {k: done["data"][k] for k in ("customer", "bank_ref", "carrier")} == {
        "customer": "Acme", "bank_ref": "TX-77", "carrier": "SF Express"}
    received = [e for e in done["history"] if e["kind"] == "message_received"]
    assert [(e["task_name"], e["detail"]["message"]) for e in received] == [
        ("order_placed", "order_placed"), ("payment_confirmed", "payment_confirmed"),
        ("goods_shipped", "goods_shipped")]
    with api_app.app_context():
        audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "message.received")).all()
        assert [(a.actor, a.target, a.detail["message"]) for a in audited] == [
            ("admin", f"instance {order['id']}", m) for m in ("order_placed", "payment_confirmed", "goods_shipped")]


def test_a_message_wakes_an_instance_started_by_hand(messages: ApiClient) -> None:
    started = messages.post("/process-instances", "admin",
                            json={"process": "refund_check", "business_key": "RF-7"}).get_json()
    assert started["status"] == "waiting"
    status, woken = send(messages, "payment_confirmed", "RF-7", {"refunded": True})
    assert status == 200 and woken["instance"]["id"] == started["id"]
    assert woken["instance"]["status"] == "completed" and woken["instance"]["data"]["refunded"] is True


def test_a_message_nobody_waits_for_is_404_and_changes_nothing(messages: ApiClient) -> None:
    status, body = send(messages, "payment_confirmed", "SO-404")
    assert status == 404 and "payment_confirmed" in body["error"] and "SO-404" in body["error"]
    status, _ = send(messages, "order_placed", "SO-2")
    status, body = send(messages, "goods_shipped", "SO-2")  # the order waits for its payment first
    assert status == 404
    status, body = send(messages, "no_such_message", "SO-2")
    assert status == 404


def test_a_message_two_instances_wait_for_is_409_naming_them(messages: ApiClient) -> None:
    ids = [messages.post("/process-instances", "admin",
                         json={"process": "refund_check", "business_key": "RF-9"}).get_json()["id"] for _ in (1, 2)]
    status, body = send(messages, "payment_confirmed", "RF-9", {"refunded": True})
    assert status == 409 and body["detail"] == {"instances": ids}
    for instance_id in ids:  # neither was woken
        assert messages.get(f"/process-instances/{instance_id}", "admin").get_json()["status"] == "waiting"


def test_a_message_reaches_only_what_its_sender_may_see(messages: ApiClient) -> None:
    order = send(messages, "order_placed", "SO-55")[1]["instance"]
    status, _ = send(messages, "payment_confirmed", "SO-55", user="dave")  # dave may not see admin's order
    assert status == 404
    assert messages.get(f"/process-instances/{order['id']}", "admin").get_json()["status"] == "waiting"


def test_a_bad_message_is_refused_naming_the_field(messages: ApiClient) -> None:
    response = messages.post("/messages", "admin", json={"name": "order_placed"})
    assert response.status_code == 400 and response.get_json()["detail"] == {"correlation_key": "is required"}
    response = messages.post("/messages", "admin", json={"name": "order_placed", "correlation_key": "A",
                                                          "payload": ["x"]})
    assert response.status_code == 400 and response.get_json()["detail"] == {"payload": "must be an object"}
    response = messages.post("/messages", "admin", json={"name": "order_placed", "correlation_key": "A",
                                                          "payload": {"_secret": 1}})
    assert response.status_code == 422 and set(response.get_json()["detail"]) == {"payload._secret"}
    response = messages.post("/messages", "admin", json={"name": "order_placed", "correlation_key": "A",
                                                          "priority": 1})
    assert response.status_code == 400 and set(response.get_json()["detail"]) == {"priority"}


def test_a_message_two_processes_start_with_is_409_naming_them(messages: ApiClient, api_app: Flask) -> None:
    second = FLOWS.read_text().replace('id="paid_order" name="Paid order"', 'id="paid_order_b2b" name="B2B order"')
    second = second.replace('id="refund_check"', 'id="refund_check_b2b"')
    with api_app.app_context():
        workflow_engine().deploy_bundle(Bundle(SourceFile("b2b.bpmn", second.encode())), "admin")
    status, body = send(messages, "order_placed", "SO-77")
    assert status == 409 and body["detail"] == {"processes": ["paid_order", "paid_order_b2b"]}
    listed = messages.get("/process-instances?business_key=SO-77", "admin").get_json()
    assert listed["items"] == []  # nothing started
