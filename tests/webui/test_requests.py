"""New purchase request and "My requests"."""
from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from engine import WorkflowEngine

Login = Callable[..., FlaskClient]
VALID = {"item": "Standing desk", "supplier": "IKEA", "quantity": "3", "unit_price": "2500.50",
         "reason": "ergonomics"}


def test_form_shows_the_fields_and_my_department_read_only(login: Login) -> None:
    html = login("alice").get("/requests/new").get_data(as_text=True)
    for name in ("item", "supplier", "quantity", "unit_price", "reason"):
        assert f'name="{name}"' in html
    assert 'name="department"' not in html  # not posted: taken from the account
    assert re.search(r'id="f-department" value="IT" readonly', html)
    assert "Unit price (CNY)" in html and 'data-testid="amount"' in html


def test_submitting_starts_the_flow_and_shows_the_instance(login: Login, engine: WorkflowEngine) -> None:
    alice = login("alice")
    response = alice.post("/requests/new", data={**VALID, "department": "Finance", "extra": "x"})
    assert response.status_code == 302
    instance_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = alice.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Your request #{instance_id} was submitted for approval." in page
    data = engine.get(instance_id).data
    assert data["department"] == "IT"  # the account's department, not what was posted
    assert data["amount"] == 7501.5 and data["requester"] == "alice"
    assert "extra" not in data and "csrf_token" not in data
    assert "CN¥7,501.50" in page


def test_invalid_values_are_shown_at_their_fields(login: Login) -> None:
    response = login("alice").post("/requests/new", data={**VALID, "quantity": "0", "supplier": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="error-quantity">Must be at least 1.<' in html
    assert 'data-testid="error-supplier">This field is required.<' in html
    assert 'value="Standing desk"' in html and 'value="2500.50"' in html  # what was typed is kept
    assert 'aria-invalid="true"' in html


def test_server_previews_the_amount_when_the_form_comes_back(login: Login) -> None:
    html = login("alice").post("/requests/new", data={**VALID, "item": ""}).get_data(as_text=True)
    assert 'data-testid="amount">CN¥7,501.50<' in html


def test_an_account_without_department_is_told_why(login: Login, add_user: Callable) -> None:
    add_user("nodept", "")
    response = login("nodept").post("/requests/new", data=VALID)
    assert response.status_code == 422
    assert 'data-testid="error-department"' in response.get_data(as_text=True)


def test_my_requests_lists_mine_with_status_and_amount(login: Login) -> None:
    html = login("alice").get("/requests").get_data(as_text=True)
    assert html.count('data-testid="request-row"') == 4
    assert html.count('data-testid="badge-waiting"') == 2
    assert 'data-testid="badge-approved"' in html and 'data-testid="badge-rejected"' in html
    assert "CN¥29,400.00" in html and "服务器机柜" in html
    assert 'href="/instances/1"' in html


def test_my_requests_is_empty_for_someone_who_asked_nothing(login: Login) -> None:
    html = login("carol").get("/requests").get_data(as_text=True)
    assert 'data-testid="request-row"' not in html and 'data-testid="empty"' in html


def test_my_requests_in_chinese(login: Login) -> None:
    html = login("alice", locale="zh_CN").get("/requests").get_data(as_text=True)
    assert "我的申请" in html and "已驳回" in html and "¥29,400.00" in html
