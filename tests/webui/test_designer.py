"""The designer's endpoints: who may use it, what a check reports, and what a deploy stores (or refuses)."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import Actor, ProcessDefinition, WorkflowEngine

Login = Callable[..., FlaskClient]

XML_TASK = 'name="due_in" value="P2D"'


def _latest_xml(client: FlaskClient, key: str = "purchase_approval") -> str:
    response = client.get(f"/designer/{key}/v1.bpmn")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _versions(engine: WorkflowEngine, key: str) -> int:
    with engine.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition)
                              .where(ProcessDefinition.key == key))


def test_only_designers_and_admins_open_the_designer(login: Login) -> None:
    assert login("alice").get("/designer/").status_code == 403
    assert login("alice").post("/designer/purchase_approval/deploy", json={"xml": "<x/>"}).status_code == 403
    page = login("dave").get("/designer/")
    assert page.status_code == 200
    assert "purchase_approval" in page.get_data(as_text=True)
    assert login("admin").get("/designer/purchase_approval").status_code == 200


def test_check_accepts_a_deployed_process_and_names_what_is_wrong(login: Login) -> None:
    dave = login("dave")
    xml = _latest_xml(dave)
    assert dave.post("/designer/purchase_approval/check", json={"xml": xml}).get_json()["ok"] is True

    unknown = xml.replace('id="finance.check_budget"', 'id="finance.check_the_moon"')
    body = dave.post("/designer/purchase_approval/check", json={"xml": unknown}).get_json()
    assert body["ok"] is False
    assert body["problems"][0]["element_id"] == "Task_check_budget"
    assert "finance.check_the_moon" in body["problems"][0]["message"]

    body = dave.post("/designer/purchase_approval/check", json={"xml": xml[:200]}).get_json()
    assert "not well-formed" in body["problems"][0]["message"]

    hostile = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + xml.split("?>", 1)[1]
    body = dave.post("/designer/purchase_approval/check", json={"xml": hostile}).get_json()
    assert body["problems"][0]["message"] == "DOCTYPE declarations are not allowed"

    missing_form = xml.replace('value="manager_approval"', 'value="no_such_form"')
    body = dave.post("/designer/purchase_approval/check", json={"xml": missing_form}).get_json()
    assert body["ok"] is True
    assert body["warnings"][0]["element_id"] == "Task_manager_approval"

    assert dave.post("/designer/purchase_approval/check", json={}).status_code == 400


def test_check_and_deploy_report_every_read_of_unset_data_and_every_wrong_parameter(login: Login) -> None:
    dave = login("dave")
    xml = _latest_xml(dave)
    broken = (xml.replace('id="amount" type="float" value="amount"', 'id="amount" type="float" value="amount_total"')
              .replace('id="payee" type="str"', 'id="payee_name" type="str"'))
    body = dave.post("/designer/purchase_approval/check", json={"xml": broken}).get_json()
    assert body["ok"] is False
    found = {(p["element_id"], p["message"]) for p in body["problems"]}
    assert any(e == "Task_check_budget" and "'Check department budget' reads 'amount_total'" in m for e, m in found)
    assert any(e == "Task_request_payment" and "takes no parameter 'payee_name'" in m for e, m in found)
    assert any(e == "Task_request_payment" and "needs the parameter 'payee'" in m for e, m in found)
    response = dave.post("/designer/purchase_approval/deploy", json={"xml": broken, "version": 1})
    assert response.status_code == 422 and len(response.get_json()["problems"]) == 3


def test_deploy_stores_a_new_version_with_the_forms_and_decisions_it_came_with(
        login: Login, engine: WorkflowEngine) -> None:
    dave = login("dave")
    xml = _latest_xml(dave)
    assert XML_TASK in xml
    edited = xml.replace(XML_TASK, 'name="due_in" value="P1D"', 1)
    response = dave.post("/designer/purchase_approval/deploy", json={"xml": edited, "version": 1})
    assert response.status_code == 201
    assert response.get_json()["version"] == 2
    with engine.read() as session:
        v1, v2 = sorted(engine.definitions.versions(session, "purchase_approval"), key=lambda d: d.version)
        assert v2.deployed_by == "dave"
        assert v2.forms == v1.forms and v2.dmn_xml == v1.dmn_xml
        assert 'value="P1D"' in v2.bpmn_xml

    again = dave.post("/designer/purchase_approval/deploy", json={"xml": v2.bpmn_xml})
    assert again.status_code == 200 and again.get_json() == {**again.get_json(), "created": False, "version": 2}


def test_a_refused_deploy_stores_nothing(login: Login, engine: WorkflowEngine) -> None:
    dave = login("dave")
    xml = _latest_xml(dave)
    renamed = dave.post("/designer/purchase_approval/deploy",
                        json={"xml": xml.replace('<bpmn:process id="purchase_approval"', '<bpmn:process id="other"')})
    assert renamed.status_code == 422
    assert renamed.get_json()["problems"][0]["element"] == "bpmn:process"
    broken = dave.post("/designer/purchase_approval/deploy",
                       json={"xml": xml.replace('id="finance.check_budget"', 'id="finance.nothing"')})
    assert broken.status_code == 422
    assert _versions(engine, "purchase_approval") == 1
    assert _versions(engine, "other") == 0


def test_a_new_process_starts_from_a_blank_diagram_that_deploys_and_runs(
        login: Login, engine: WorkflowEngine) -> None:
    dave = login("dave")
    assert "Key" in dave.post("/designer/new", data={"key": "9bad key", "name": "x"}).get_data(as_text=True)
    assert dave.post("/designer/new", data={"key": "purchase_approval", "name": "x"}).status_code == 400
    created = dave.post("/designer/new", data={"key": "contract_review", "name": "合同评审"})
    assert created.status_code == 302 and "/designer/contract_review" in created.headers["Location"]
    assert dave.get(created.headers["Location"]).status_code == 200

    blank = dave.get("/designer/contract_review/blank.bpmn?name=合同评审").get_data(as_text=True)
    response = dave.post("/designer/contract_review/deploy", json={"xml": blank})
    assert response.status_code == 201 and response.get_json()["version"] == 1

    view = engine.start("contract_review", {}, Actor("alice", frozenset({"requesters"})))
    assert [(t.task_name, t.candidate_group) for t in view.tasks] == [("Task_review", "requesters")]
    assert "合同评审" in dave.get("/designer/").get_data(as_text=True)


def test_a_version_downloads_as_a_bpmn_file(login: Login) -> None:
    response = login("dave").get("/designer/purchase_approval/v1.bpmn?download=1")
    assert response.headers["Content-Disposition"] == 'attachment; filename="purchase_approval_v1.bpmn"'
    assert login("dave").get("/designer/purchase_approval/v9.bpmn").status_code == 404


def test_deploy_needs_the_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "dave", "password": "demo", "csrf_token": token})
    page = client.get("/designer/purchase_approval").get_data(as_text=True)
    xml = client.get("/designer/purchase_approval/v1.bpmn").get_data(as_text=True)
    assert client.post("/designer/purchase_approval/check", json={"xml": xml}).status_code == 400
    token = re.search(r'"csrf": "([^"]+)"', page).group(1)
    checked = client.post("/designer/purchase_approval/check", json={"xml": xml}, headers={"X-CSRFToken": token})
    assert checked.get_json()["ok"] is True


def test_the_panel_names_element_types_in_the_readers_language(login: Login) -> None:
    def types(locale: str) -> dict[str, str]:
        page = login("dave", locale).get("/designer/purchase_approval").get_data(as_text=True)
        found = re.search(r'<script type="application/json" id="designer-data">(.*?)</script>', page, re.S)
        return json.loads(found.group(1))["types"]

    assert types("en")["bpmn:ServiceTask"] == "Service task"
    assert types("zh_CN")["bpmn:ServiceTask"] == "服务任务"
    assert types("zh_CN")["bpmn:ExclusiveGateway"] == "排他网关"
