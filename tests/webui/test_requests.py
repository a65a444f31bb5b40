"""New purchase request and "My requests"."""
from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from engine import WorkflowEngine

Login = Callable[..., FlaskClient]
VALID = {"supplier": "IKEA", "reason": "ergonomics",
         "lines-1-item": "Standing desk", "lines-1-quantity": "3", "lines-1-unit_price": "2500.50",
         "lines-2-item_code": "LAMP-1", "lines-2-item": "Desk lamp", "lines-2-quantity": "3", "lines-2-unit": "pcs",
         "lines-2-unit_price": "99"}


def test_form_shows_the_fields_a_table_of_lines_and_my_department_read_only(login: Login) -> None:
    html = login("alice").get("/requests/new").get_data(as_text=True)
    for name in ("supplier", "reason", *(f"lines-{n}-{c}" for n in (1, 2, 3)
                                         for c in ("item_code", "item", "quantity", "unit", "unit_price"))):
        assert f'name="{name}"' in html, name
    assert 'name="item"' not in html and 'name="quantity"' not in html, "one item is for other systems only"
    assert 'name="department"' not in html  # not posted: taken from the account
    assert re.search(r'id="f-department" value="IT" readonly', html)
    assert "Unit price (CNY)" in html and 'data-testid="amount"' in html and 'data-testid="add-line-lines"' in html


def test_submitting_lines_starts_the_flow_and_shows_the_instance(login: Login, engine: WorkflowEngine) -> None:
    alice = login("alice")
    response = alice.post("/requests/new", data={**VALID, "department": "Finance", "extra": "x",
                                                 "lines-9-item": "", "lines-9-quantity": " "})
    assert response.status_code == 302
    instance_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = alice.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Your request #{instance_id} was submitted for approval." in page
    data = engine.get(instance_id).data
    assert data["department"] == "IT"  # the account's department, not what was posted
    assert data["amount"] == 7798.5 and data["requester"] == "alice"
    assert [(x["item_code"], x["item"], x["quantity"], x["unit"]) for x in data["lines"]] == [
        (None, "Standing desk", 3, None), ("LAMP-1", "Desk lamp", 3, "pcs")], "the blank row is left out"
    assert "extra" not in data and "csrf_token" not in data
    assert "CN¥7,798.50" in page and 'data-testid="lines-view"' in page and "Desk lamp" in page


def test_a_form_posting_one_item_still_starts_a_request_of_one_line(login: Login, engine: WorkflowEngine) -> None:
    response = login("alice").post("/requests/new", data={"item": "Standing desk", "supplier": "IKEA",
                                                          "quantity": "3", "unit_price": "2500.50", "reason": "x"})
    data = engine.get(int(response.headers["Location"].rsplit("/", 1)[1])).data
    assert (data["amount"], [x["item"] for x in data["lines"]]) == (7501.5, ["Standing desk"])


def test_invalid_values_are_shown_at_their_cells(login: Login) -> None:
    response = login("alice").post("/requests/new", data={**VALID, "lines-2-quantity": "0", "supplier": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="error-lines-2-quantity">Must be at least 1.<' in html
    assert 'data-testid="error-supplier">This field is required.<' in html
    assert 'name="lines-1-item" type="text" value="Standing desk"' in html  # what was typed is kept
    assert 'name="lines-1-unit_price" type="number" value="2500.50"' in html
    assert 'aria-invalid="true"' in html
    empty = login("alice").post("/requests/new", data={"supplier": "IKEA", "reason": "x"}).get_data(as_text=True)
    assert 'data-testid="error-lines">This field is required.<' in empty


def test_server_previews_the_amount_when_the_form_comes_back(login: Login) -> None:
    html = login("alice").post("/requests/new", data={**VALID, "supplier": ""}).get_data(as_text=True)
    assert 'data-testid="amount">CN¥7,798.50<' in html


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


def test_a_returned_request_opens_for_revision_with_what_was_asked(login: Login, engine: WorkflowEngine,
                                                                   actor: Callable) -> None:
    [task] = [t for t in engine.open_tasks(actor("frank")) if t.task_name == "Task_revise_request"]
    html = login("frank").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="f-supplier" name="supplier" type="text" value="Dell China"' in html
    assert 'name="lines-1-item_code" type="text" value="MON-27"' in html
    assert 'name="lines-2-item" type="text" value="显示器支架"' in html
    assert 'name="lines-3-item" type="text" value=""' in html, "room for another line"
    assert "销售内勤双屏改造</textarea>" in html


def test_my_requests_lists_flows_that_carry_no_amount(login: Login) -> None:
    page = login("lily").get("/requests")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('data-testid="request-row"') == 4  # her performance reviews
