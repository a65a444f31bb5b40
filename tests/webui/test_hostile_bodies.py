"""Bodies as an attacker writes them — nested 5,000 deep, lone surrogates, NUL bytes, NaN, numbers past
64 bits — sent to every API endpoint that takes one and to the web forms: a 4xx naming the field, and
nothing written.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import Event, ProcessInstance, WorkflowEngine, create_token
from engine.workplace.models import Comment
from webui.extensions import db

pytestmark = pytest.mark.adversarial

Login = Callable[..., FlaskClient]
OpenTask = Callable[[int], str]
DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"data": ' * 5000 + "{}" + "}" * 5000
PURCHASE = {"item": "Rack server", "supplier": "Huawei", "quantity": 1, "unit_price": 100.0, "reason": "spare"}


def _written(app: Flask) -> tuple[int, int, int]:
    """Instances, comments and events: what a refused request must leave as it was."""
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[return-value]
                     for model in (ProcessInstance, Comment, Event))


@pytest.fixture
def bob_api(app: Flask) -> Callable[..., tuple[int, dict]]:
    """A JSON call to /api/v1 as bob (a manager with open tasks); the body is sent as given."""
    with app.app_context():
        token = create_token(db.session, "bob", scope="act")
        db.session.commit()
    client = app.test_client()

    def call(method: str, path: str, body: str) -> tuple[int, dict]:
        response = client.open(f"/api/v1{path}", method=method, data=body, content_type="application/json",
                               headers={"Authorization": f"Bearer {token}"})
        assert response.is_json, response.get_data(as_text=True)
        return response.status_code, response.get_json()
    return call


def _api_body_routes(app: Flask, instance_id: int, task_id: str) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            if rule.rule.startswith("/api/"):
                path = re.sub(r"<int:\w+>", str(instance_id), rule.rule).replace("<task_id>", task_id)
                routes.append((method, path.removeprefix("/api/v1")))
    return routes


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT, '{"a": ' * 65 + "1" + "}" * 65],
                         ids=["array-5000", "object-5000", "object-65"])
def test_a_deeply_nested_body_is_refused_by_every_api_endpoint(app: Flask, bob_api: Callable, open_task: OpenTask,
                                                               body: str) -> None:
    before = _written(app)
    routes = _api_body_routes(app, 1, open_task(1))
    assert {"/process-instances", "/process-instances/1/comments", "/rule-sets/1/schedule"} <= {p for _, p in routes}
    for method, path in routes:
        status, answer = bob_api(method, path, body)
        assert status == 400 and "nested deeper than 64 levels" in json.dumps(answer), (method, path, answer)
    assert _written(app) == before


@pytest.mark.parametrize(("text", "shown", "as_name"), [("\ud800", "\\ud800", "\\ud800"),
                                                      ("a\x00b", "\\x00", "a\\x00b")])
def test_unstorable_text_anywhere_in_an_api_body_is_refused_naming_its_place(
        app: Flask, bob_api: Callable, open_task: OpenTask, text: str, shown: str, as_name: str) -> None:
    before = _written(app)
    task = open_task(1)
    calls = [("POST", "/process-instances", {"process": "purchase_approval", "data": {**PURCHASE, "item": text}},
              "data.item"),
             ("POST", f"/tasks/{task}/complete", {"data": {"decision": "approve", "comment": text}}, "data.comment"),
             ("POST", f"/tasks/{task}/delegate", {"to": "carol", "reason": text}, "reason"),
             ("POST", "/process-instances/1/comments", {"body": text}, "body"),
             ("PUT", "/rule-sets/1/schedule", {"schedule": text}, "schedule"),
             ("POST", "/process-instances", {"process": "purchase_approval", "data": {text: 1}}, f"data.{as_name}")]
    for method, path, body, field in calls:
        status, answer = bob_api(method, path, json.dumps(body))
        assert status == 400, (path, answer)
        assert answer["detail"] == {field: f"holds the character {shown}, which cannot be stored"} or (
            answer["detail"] == {field: f"its name holds the character {shown}, which cannot be stored"})
    assert _written(app) == before


def test_numbers_no_column_holds_are_refused_in_api_bodies(app: Flask, bob_api: Callable) -> None:
    before = _written(app)
    start = {"process": "purchase_approval", "data": {**PURCHASE, "quantity": 2**64}}
    status, answer = bob_api("POST", "/process-instances", json.dumps(start))
    assert status == 400 and answer["detail"] == {
        "data.quantity": "is a whole number too large to store (at most 64 bits)"}
    for number in ("1e400", "-1e400", "NaN", "Infinity"):
        raw = json.dumps({"process": "purchase_approval", "data": {**PURCHASE, "unit_price": 0}})
        status, answer = bob_api("POST", "/process-instances",
                                 raw.replace('"unit_price": 0', f'"unit_price": {number}'))
        assert status == 400 and number.lstrip("-") in answer["detail"], answer
    assert _written(app) == before


def test_the_json_in_a_multipart_start_meets_the_same_bounds(app: Flask) -> None:
    with app.app_context():
        token = create_token(db.session, "alice", scope="act")
        db.session.commit()
    before = _written(app)
    response = app.test_client().post(
        "/api/v1/process-instances", headers={"Authorization": f"Bearer {token}"},
        data={"process": "purchase_approval", "data": json.dumps({**PURCHASE, "item": "\ud800"})},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json()["detail"] == {"data.item": "holds the character \\ud800, which cannot be stored"}
    assert _written(app) == before


def test_a_multipart_part_without_a_name_is_refused_not_a_server_error(app: Flask) -> None:
    """Found by schemathesis: a part with no name reaches Werkzeug's form as None."""
    with app.app_context():
        token = create_token(db.session, "alice", scope="act")
        db.session.commit()
    before = _written(app)
    body = (b'--b\r\nContent-Disposition: form-data; name="process"\r\n\r\npurchase_approval\r\n'
            b'--b\r\nContent-Disposition: form-data\r\n\r\nnull\r\n--b--\r\n')
    response = app.test_client().post("/api/v1/process-instances", headers={"Authorization": f"Bearer {token}"},
                                      data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400 and set(response.get_json()["detail"]) == {""}
    assert _written(app) == before


def _refused(response, field: str) -> bool:  # noqa: ANN001 - the test client's response
    return response.status_code == 400 and (
        f"The field {field} holds a character that cannot be stored (\\x00)." in response.get_data(as_text=True))


def test_a_nul_in_the_task_form_or_a_comment_is_refused_and_nothing_changes(
        app: Flask, login: Login, engine: WorkflowEngine, open_task: OpenTask) -> None:
    bob = login("bob")
    before = _written(app)
    task = open_task(1)
    assert _refused(bob.post(f"/tasks/{task}", data={"decision": "approve", "comment": "ok\x00"}), "comment")
    assert _refused(bob.post("/instances/1/comments", data={"body": "see\x00 this"}), "body")
    assert _refused(bob.post("/inbox/filters", data={"name": "mine\x00", "query": "q=x"}), "name")
    upload = {"file": (io.BytesIO(b"%PDF-1.4"), "quote\x00.pdf")}
    assert _refused(bob.post("/instances/1/attachments", data=upload, content_type="multipart/form-data"), "file")
    assert next(t for t in engine.get(1).tasks if t.id == task).status == "open"
    assert _written(app) == before


def test_a_nul_in_any_start_form_is_refused_and_nothing_starts(app: Flask, login: Login) -> None:
    starts = sorted(r.rule for r in app.url_map.iter_rules()
                    if (r.endpoint.split(".")[-1].startswith("start_") and not r.rule.startswith("/api/"))
                    or r.endpoint == "requests.new")
    assert len(starts) >= 6
    before = _written(app)
    admin = login("admin")
    for path in starts:
        assert _refused(admin.post(path, data={"reason": "because\x00", "supplier": "x"}), "reason"), path
    assert _written(app) == before


def test_nan_and_numbers_past_64_bits_in_a_form_are_named_at_their_cells(app: Flask, login: Login) -> None:
    before = _written(app)
    alice = login("alice")
    form = {"supplier": "IKEA", "reason": "desks", "lines-1-item": "Desk", "lines-1-quantity": "1"}
    for price in ("NaN", "inf", "-Infinity", "1e999"):
        response = alice.post("/requests/new", data={**form, "lines-1-unit_price": price})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and 'data-testid="error-lines-1-unit_price">Enter a number.<' in html
    response = alice.post("/requests/new", data={**form, "lines-1-quantity": str(2**63), "lines-1-unit_price": "9"})
    assert response.status_code == 422
    assert 'data-testid="error-lines-1-quantity">Enter a whole number.<' in response.get_data(as_text=True)
    assert _written(app) == before


def test_a_nan_amount_filter_in_the_inbox_is_dropped_like_any_unreadable_one(login: Login) -> None:
    bob = login("bob")
    unfiltered = bob.get("/inbox").get_data(as_text=True).count('data-testid="task-row"')
    assert unfiltered > 0
    for value in ("nan", "inf", "-inf", "NaN"):
        response = bob.get(f"/inbox?amount_min={value}&amount_max={value}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('data-testid="task-row"') == unfiltered


@pytest.mark.parametrize("hours", [str(2**64), "9" * 5000, "²", "99999999"])
def test_an_escalation_wait_no_clock_can_count_is_refused_with_a_message(login: Login, hours: str) -> None:
    admin = login("admin")
    response = admin.post("/admin/escalations", data={"candidate_group": "managers", "manager": "carol",
                                                      "reassign_after_hours": hours}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Escalation saved." not in html
    assert "reassign_after_hours: must be" in html
    assert f'<td class="num">{hours}</td>' not in html


@pytest.mark.parametrize(("rules", "message"), [
    (DEEP_ARRAY, "nested deeper than 64 levels"), ('[{"when": [{"value": ' + "9" * 5000 + "}]}]", "rules: "),
    ('[{"when": [{"value": NaN}]}]', "NaN is not valid JSON"), ('[{"name": "\\ud800"}]', "\\ud800")])
def test_rule_text_that_no_rule_set_can_hold_is_named_on_the_page(login: Login, rules: str, message: str) -> None:
    response = login("admin").post("/admin/rules/1/draft", data={"rules": rules})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
