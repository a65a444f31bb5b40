"""`http.request`: a BPMN step calls a named connection; a call with side effects goes through the outbox
and the step waits for its answer, which resumes the instance with the mapped values."""
from __future__ import annotations

from datetime import datetime

import pytest
from http_receiver import Receiver
from sqlalchemy import Engine, select, text
from tiny_bpmn import bundle, linear, service, user

from engine import Actor, InvalidData, JobRunner, ServiceRegistry, WorkflowEngine
from engine.integration import OutboxMessage, connections, http_request

T0 = datetime(2030, 1, 1, 12, 0)
RITA = Actor("rita")
PAY = linear("pay_supplier", service("pay", "http.request", {
    "connection": "'bank'", "path": "'/payments'", "method": "'POST'",
    "body": "{'amount': amount, 'supplier': supplier}", "response": "{'payment_id': 'id', 'ok': 'ok'}"},
    result="payment"), user("check", "clerks"))
RATES = linear("rates", service("ask", "http.request", {
    "connection": "'bank'", "path": "'/rates/cny'", "response": "{'answer_id': 'id'}"}, result="rate"),
    user("check", "clerks"))


@pytest.fixture
def eng(db: Engine, receiver: Receiver) -> WorkflowEngine:
    eng = WorkflowEngine(db, http_request.register(ServiceRegistry()), clock=lambda: T0)
    with eng._write() as s:
        connections.save(s, name="bank", base_url=f"{receiver.url}/api", auth="bearer", credentials="s3cret-token",
                         actor="root", now=T0)
    eng.deploy_bundle(bundle(PAY, "pay.bpmn"))
    eng.deploy_bundle(bundle(RATES, "rates.bpmn"))
    return eng


def test_a_post_waits_for_its_answer_and_the_answer_resumes_the_flow(
        eng: WorkflowEngine, receiver: Receiver, db: Engine, registry: ServiceRegistry) -> None:
    view = eng.start("pay_supplier", {"amount": 880.0, "supplier": "ACME"}, RITA)
    assert (view.status, view.tasks) == ("waiting", [])
    assert receiver.requests == []
    with db.connect() as conn:  # the bearer token is not readable in the outbox row
        assert conn.execute(text("SELECT headers FROM outbox_messages")).scalar_one().startswith("enc1:")
    other = WorkflowEngine(db, http_request.register(ServiceRegistry()), clock=lambda: T0)  # another process
    assert JobRunner(other).run_due(T0, "w1").done == 1
    [got] = receiver.requests
    assert (got.method, got.path, got.json()) == ("POST", "/api/payments", {"amount": 880.0, "supplier": "ACME"})
    assert got.headers["Authorization"] == "Bearer s3cret-token" and got.headers["Idempotency-Key"]
    after = eng.get(view.id)
    assert after.status == "waiting" and [t.task_name for t in after.tasks if t.status == "open"] == ["check"]
    assert after.data["payment"] == {"status": 201, "payment_id": 1, "ok": True}
    assert [e.kind for e in after.history].count("step_completed") == 1


def test_a_get_is_answered_in_the_step(eng: WorkflowEngine, receiver: Receiver) -> None:
    view = eng.start("rates", {}, RITA)
    [got] = receiver.requests
    assert (got.method, got.path) == ("GET", "/api/rates/cny")
    assert view.data["rate"] == {"status": 201, "answer_id": 1}
    with eng.read() as s:
        assert s.scalars(select(OutboxMessage)).all() == []


def test_a_receiver_that_fails_leaves_the_step_waiting_until_the_call_goes_through(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    from datetime import timedelta

    view = eng.start("pay_supplier", {"amount": 1.0, "supplier": "ACME"}, RITA)
    receiver.fail_next = 1
    runner = JobRunner(eng)
    assert runner.run_due(T0, "w1").retried == 1
    assert eng.get(view.id).status == "waiting" and "payment" not in eng.get(view.id).data
    assert runner.run_due(T0 + timedelta(minutes=5), "w1").done == 1
    assert eng.get(view.id).data["payment"]["status"] == 201
    assert len(receiver.acted) == 1


def test_an_unknown_connection_fails_the_step_naming_it(eng: WorkflowEngine) -> None:
    flow = linear("nowhere", service("ask", "http.request", {"connection": "'erp'"}), user("check", "clerks"))
    eng.deploy_bundle(bundle(flow, "nowhere.bpmn"))
    view = eng.start("nowhere", {}, RITA)
    assert view.status == "error" and "no active connection 'erp'" in view.error_message


def test_a_connection_is_checked_and_keeps_its_credentials_encrypted(eng: WorkflowEngine, db: Engine) -> None:
    with eng._write() as s, pytest.raises(InvalidData) as bad:
        connections.save(s, name="a b", base_url="bank", auth="header", actor="root", now=T0)
    assert set(bad.value.errors) == {"name", "base_url", "header_name", "credentials"}
    with db.connect() as conn:
        stored = conn.execute(text("SELECT credentials FROM integration_connections")).scalar_one()
    assert stored.startswith("enc1:") and "s3cret" not in stored
    with eng._write() as s:  # changed without new credentials: the stored ones stay
        connections.save(s, name="bank", base_url="https://bank.example.cn/api", auth="bearer", actor="root", now=T0)
    with eng.read() as s:
        assert connections.auth_headers(connections.get(s, "bank")) == {"Authorization": "Bearer s3cret-token"}
        with pytest.raises(InvalidData):
            connections.address(connections.get(s, "bank"), "https://evil.example.com/")


def test_only_the_engine_offers_http_operations() -> None:
    registry = ServiceRegistry()
    with pytest.raises(ValueError):
        registry.register("http.send_money", lambda call, req: {}, http_request.HttpRequest)
    assert http_request.register(registry).names() == ["http.request"]


MAPPED = linear("pay_mapped", service("pay", "http.request", {
    "connection": "'bank'", "path": "'/payments'", "method": "'POST'", "body": "{'amount': amount}",
    "response_map": "{'payment_id': '$.id', 'bank_state': '$.result.state', 'first_tag': '$.tags[0]'}"},
    result="payment"), user("check", "clerks"))
LOOKUP = linear("lookup_mapped", service("ask", "http.request", {
    "connection": "'bank'", "path": "'/rates/cny'", "response": "{'answer_id': 'id'}",
    "response_map": "{'rate_id': '$.id', 'missing': '$.nowhere.deep'}"}, result="rate"), user("check", "clerks"))


def test_response_map_puts_the_answer_into_top_level_instance_variables(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    receiver.answer = {"result": {"state": "booked"}, "tags": ["urgent", "cny"]}
    eng.deploy_bundle(bundle(MAPPED, "mapped.bpmn"))
    view = eng.start("pay_mapped", {"amount": 12.5}, RITA)
    assert view.status == "waiting" and "payment_id" not in view.data
    assert JobRunner(eng).run_due(T0, "w1").done == 1
    data = eng.get(view.id).data
    assert (data["payment_id"], data["bank_state"], data["first_tag"]) == (1, "booked", "urgent")
    assert data["payment"] == {"status": 201}, "the result variable keeps the status, not the mapped copies"
    assert "_variables" not in str(data)


def test_response_map_on_a_get_is_applied_in_the_step_and_a_missing_path_is_none(
        eng: WorkflowEngine, receiver: Receiver) -> None:
    eng.deploy_bundle(bundle(LOOKUP, "lookup.bpmn"))
    view = eng.start("lookup_mapped", {}, RITA)
    assert (view.data["rate_id"], view.data["missing"]) == (1, None)
    assert view.data["rate"] == {"status": 201, "answer_id": 1}


def test_a_response_map_onto_an_engine_variable_fails_the_step_naming_it(eng: WorkflowEngine) -> None:
    flow = linear("bad_map", service("ask", "http.request", {
        "connection": "'bank'", "response_map": "{'spiff_x': '$.id'}"}), user("check", "clerks"))
    eng.deploy_bundle(bundle(flow, "bad_map.bpmn"))
    view = eng.start("bad_map", {}, RITA)
    assert view.status == "error" and "response_map" in view.error_message
