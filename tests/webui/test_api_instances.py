"""REST API: processes and process instances (start, read, cancel, retry) and request parsing errors."""
from __future__ import annotations

import re
from typing import Any

import pytest
from api_helpers import PURCHASE, ApiClient, open_task
from flask import Flask
from sqlalchemy import func, select
from workplace_bpmn import quick_review

from engine import ProcessInstance, ServiceCall
from engine.services import RegisteredOperation
from webui.extensions import db, workflow_engine

pytest_plugins = ["api_fixtures"]

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_processes_lists_the_latest_version_of_each(api_client: ApiClient) -> None:
    response = api_client.get("/processes", "dave")
    assert response.status_code == 200
    assert response.get_json()["next"] is None
    assert response.get_json()["items"] == [
        {"key": "expense_reimbursement", "name": "Expense reimbursement", "version": 1},
        {"key": "hiring", "name": "Hiring", "version": 1},
        {"key": "monthly_report", "name": "Monthly operations report", "version": 1},
        {"key": "order_handling", "name": "Sales order handling", "version": 1},
        {"key": "performance_review", "name": "Performance review", "version": 1},
        {"key": "production_order", "name": "Production order", "version": 1},
        {"key": "purchase_approval", "name": "Purchase approval", "version": 1},
        {"key": "supplier_onboarding", "name": "Supplier onboarding", "version": 1},
    ]


def test_start_answers_201_with_the_instance_and_its_first_task(api_client: ApiClient) -> None:
    response = api_client.post("/process-instances", "alice",
                               json={"process": "purchase_approval", "data": PURCHASE, "business_key": "PR-7"})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/process-instances/{body['id']}")
    assert {k: body[k] for k in ("process", "version", "status", "business_key", "started_by")} == {
        "process": "purchase_approval", "version": 1, "status": "waiting", "business_key": "PR-7",
        "started_by": "alice"}
    assert body["data"]["amount"] == 120000.0
    assert body["data"]["department"] == "IT"  # alice's own, since the request left it out
    task = open_task(body)
    assert task["candidate_group"] == "IT-managers" and task["assignee"] is None
    assert task["business_key"] == "PR-7"
    assert ISO_Z.match(body["created_at"]) and ISO_Z.match(task["created_at"]) and ISO_Z.match(task["due_at"])
    assert [e["kind"] for e in body["history"]][:1] == ["instance_started"]
    assert body == api_client.get(f"/process-instances/{body['id']}", "alice").get_json()  # the whole instance


def test_a_request_is_filed_for_the_callers_own_department(api_client: ApiClient) -> None:
    """Another department's budget is not the caller's to charge, nor its managers' queue to fill."""
    body = api_client.start_purchase("carol")
    assert body["data"]["department"] == "Finance"
    assert open_task(body)["candidate_group"] == "Finance-managers"
    assert api_client.start_purchase("carol", department="Finance")["data"]["department"] == "Finance"
    for department in ("IT", "Nowhere"):
        refused = api_client.post("/process-instances", "carol", json={
            "process": "purchase_approval", "data": {**PURCHASE, "department": department}})
        assert refused.status_code == 422
        assert "your own department (Finance)" in refused.get_json()["detail"]["department"]


def test_start_refuses_bad_requests_naming_the_problem(api_client: ApiClient) -> None:
    def start(**kwargs: Any) -> tuple[int, Any]:
        response = api_client.post("/process-instances", "alice", **kwargs)
        assert response.is_json
        return response.status_code, response.get_json()

    status, body = start(json={"process": "no_such_process", "data": PURCHASE})
    assert status == 404 and "no_such_process" in body["error"]
    status, body = start(json={"data": PURCHASE})
    assert status == 400 and "process" in body["error"] and body["detail"] == {"process": "is required"}
    status, body = start(json={"process": 7})
    assert status == 400 and body["detail"] == {"process": "must be a string"}
    status, body = start(json={"process": "purchase_approval", "data": ["not", "an", "object"]})
    assert status == 422 and body["detail"] == {"data": "must be an object"}
    status, body = start(json={"process": "purchase_approval", "data": {**PURCHASE, "quantity": 0}})
    assert status == 422 and set(body["detail"]) == {"quantity"}
    status, body = start(json={"process": "purchase_approval", "data": {"item": "x"}})
    assert status == 422 and {"supplier", "quantity", "unit_price", "reason"} <= set(body["detail"])
    status, body = start(json={"process": "purchase_approval", "proces": "typo"})
    assert status == 400 and "proces" in body["error"] and "proces" in body["detail"]
    status, body = start(data='{"process": "purchase_approval",', content_type="application/json")
    assert status == 400 and body["error"] == "malformed JSON body" and "line 1 column" in body["detail"]
    status, body = start(json=["purchase_approval"])
    assert status == 400 and body == {"error": "request body must be a JSON object", "detail": "got an array"}
    status, body = start(data="process=purchase_approval", content_type="application/x-www-form-urlencoded")
    assert status == 415 and "application/json" in body["detail"]
    status, body = start(data='{"process": "purchase_approval", "data": {"quantity": NaN}}',
                         content_type="application/json")
    assert status == 400 and "NaN" in body["detail"]


def test_start_whose_state_would_pass_the_limit_answers_422_and_creates_nothing(api_app: Flask,
                                                                              api_client: ApiClient) -> None:
    def instances() -> int:
        with api_app.app_context():
            return db.session.scalar(select(func.count()).select_from(ProcessInstance))

    with api_app.app_context():
        workflow_engine().deploy_bundle(quick_review())
    before = instances()
    response = api_client.post("/process-instances", "alice",
                               json={"process": "quick_review", "data": {"item": "cables", "note": "n" * 9_000_000}})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"].startswith("process quick_review: after 'start' the instance's state would be ")
    assert "above the limit of 8 MB; nothing of this step was saved" in body["error"]
    assert body["detail"]["limit"] == 8 * 1024 * 1024 and body["detail"]["size"] > 9_000_000
    assert instances() == before


def test_get_instance_for_requester_involved_approver_and_manager_only(api_client: ApiClient) -> None:
    started = api_client.start_purchase("alice")
    path = f"/process-instances/{started['id']}"
    for user in ("alice", "bob", "carol", "admin"):  # requester, candidate, manager role, admin
        response = api_client.get(path, user)
        assert response.status_code == 200, user
        assert response.get_json()["id"] == started["id"]
        assert set(response.get_json()) >= {"id", "process", "version", "status", "data", "tasks", "history"}
    response = api_client.get(path, "dave")
    assert response.status_code == 403 and response.is_json and response.get_json()["error"]
    assert api_client.get("/process-instances/999999", "admin").status_code == 404
    assert api_client.get("/process-instances/not-a-number", "admin").status_code == 404


def test_cancel_by_the_requester_closes_the_open_task(api_client: ApiClient) -> None:
    started = api_client.start_purchase("alice")
    path = f"/process-instances/{started['id']}/cancel"
    assert api_client.post(path, "dave").status_code == 403
    response = api_client.post(path, "alice")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "cancelled" and ISO_Z.match(body["ended_at"])
    assert [t["status"] for t in body["tasks"]] == ["cancelled"]
    assert api_client.post(path, "alice").status_code == 409
    assert api_client.post("/process-instances/999999/cancel", "alice").status_code == 404


def test_retry_by_an_administrator_resumes_a_failed_instance(api_app: Flask, api_client: ApiClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with api_app.app_context():
        operations = workflow_engine().registry._operations
    name = "procurement.create_purchase_order"
    real = operations[name]
    outage = {"on": True}

    def flaky(call: ServiceCall, params: Any) -> dict[str, Any]:
        if outage["on"]:
            raise ConnectionError("ERP unreachable")
        return real.func(call, params)

    monkeypatch.setitem(operations, name, RegisteredOperation(name, flaky, real.params))
    started = api_client.start_purchase("alice", quantity=1, unit_price=6000.0)  # the manager alone decides
    path = f"/process-instances/{started['id']}/retry"
    assert api_client.post(path, "admin").status_code == 409  # not in error yet

    response = api_client.post(f"/tasks/{open_task(started)['id']}/complete", "bob",
                               json={"data": {"decision": "approve"}})
    assert response.status_code == 200
    failed = response.get_json()
    assert failed["status"] == "error"
    assert failed["error"]["task"] == "Task_create_purchase_order" and "ERP unreachable" in failed["error"]["message"]

    outage["on"] = False
    assert api_client.post(path, "alice").status_code == 403
    response = api_client.post(path, "admin")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "completed" and body["error"] is None
    assert body["data"]["purchase_order"]["number"].startswith("PO-")
    assert "instance_retried" in [e["kind"] for e in body["history"]]


def test_only_whoever_the_policy_names_may_start_a_process(api_client: ApiClient) -> None:
    """HR opens performance reviews: a requester may not open one of her manager and rate him."""
    review = {"process": "performance_review",
              "data": {"employee_number": "E0002", "period": "2026-H2", "reviewer": "alice", "goals": "x"}}
    refused = api_client.post("/process-instances", "alice", json=review)
    assert (refused.status_code, refused.get_json()["error"]) == (403, "you may not start performance_review")
    assert api_client.get("/processes", "alice").status_code == 200
