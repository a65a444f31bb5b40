"""The task page: the facts for a decision, the decision, and every way it can go wrong."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from workplace_bpmn import quick_review

from engine import Actor, WorkflowEngine

Login = Callable[..., FlaskClient]
OpenTask = Callable[[int], str]


def test_task_page_lays_out_the_request(login: Login, open_task: OpenTask) -> None:
    html = login("bob").get(f"/tasks/{open_task(1)}").get_data(as_text=True)
    for text in ("ThinkPad X1 笔记本电脑", "联想 Lenovo", "新员工入职", "CN¥9,800.00", "CN¥29,400.00",
                 "Alice 王丽", "Department manager", "IT"):
        assert text in html
    assert 'data-testid="decide-approve">Approve<' in html
    assert 'data-testid="decide-reject">Reject<' in html
    assert 'name="comment"' in html


def test_task_page_in_chinese_uses_the_form_labels(login: Login, open_task: OpenTask) -> None:
    html = login("bob", locale="zh_CN").get(f"/tasks/{open_task(1)}").get_data(as_text=True)
    assert ">同意<" in html and ">驳回<" in html and "审批意见" in html
    assert "¥29,400.00" in html and "单价（元）" in html


def test_approving_moves_on_to_the_next_task(login: Login, engine: WorkflowEngine, open_task: OpenTask,
                                             purchase: Callable[..., int]) -> None:
    first = open_task(1)
    second = open_task(purchase(item="Monitor"))
    bob = login("bob")
    response = bob.post(f"/tasks/{first}", data={"decision": "approve", "comment": "OK, budget is there"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tasks/{second}")
    assert "Approved: ThinkPad X1" in bob.get(response.headers["Location"]).get_data(as_text=True)
    done = next(t for t in engine.get(1).tasks if t.id == first)
    assert (done.status, done.outcome, done.comment, done.completed_by) == (
        "completed", "approve", "OK, budget is there", "bob")

    response = bob.post(f"/tasks/{second}", data={"decision": "reject", "comment": "not now"})
    assert response.headers["Location"].endswith("/inbox")
    assert "Rejected: Monitor" in bob.get("/inbox").get_data(as_text=True)


def test_rejecting_without_a_comment_shows_the_error_at_the_field(login: Login, engine: WorkflowEngine,
                                                                  open_task: OpenTask) -> None:
    task_id = open_task(1)
    response = login("bob").post(f"/tasks/{task_id}", data={"decision": "reject", "comment": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="comment"' in html and 'data-testid="error-comment">This field is required.<' in html
    assert 'class="reject chosen"' in html  # the decision the approver chose is kept
    assert engine.get(1).tasks[0].status == "open"


def test_entered_comment_is_kept_when_the_decision_is_invalid(login: Login, open_task: OpenTask) -> None:
    task_id = open_task(1)
    response = login("bob").post(f"/tasks/{task_id}", data={"decision": "maybe", "comment": "let me think"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "let me think</textarea>" in html
    assert 'data-testid="error-decision">Choose one of the options.<' in html


def test_a_task_completed_meanwhile_is_a_clear_conflict(login: Login, engine: WorkflowEngine, open_task: OpenTask,
                                                        actor: Callable) -> None:
    task_id = open_task(1)
    bob = login("bob")
    assert bob.get(f"/tasks/{task_id}").status_code == 200
    engine.complete(task_id, actor("bob"), {"decision": "approve"})  # done in another window meanwhile
    response = bob.post(f"/tasks/{task_id}", data={"decision": "reject", "comment": "no"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert "This task was already completed by someone else" in bob.get("/inbox").get_data(as_text=True)
    assert engine.get(1).tasks[0].outcome == "approve"


def test_someone_from_another_department_may_not_see_the_task(
        login: Login, engine: WorkflowEngine, open_task: OpenTask, add_user: Callable) -> None:
    add_user("sam", "Sales")
    sam = login("sam")
    task_id = open_task(1)
    assert sam.get(f"/tasks/{task_id}").status_code == 403
    assert sam.post(f"/tasks/{task_id}", data={"decision": "approve"}).status_code == 403
    assert engine.get(1).tasks[0].status == "open"


def test_the_requester_sees_the_task_but_cannot_decide(login: Login, open_task: OpenTask) -> None:
    task_id = open_task(1)
    alice = login("alice")
    html = alice.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "You cannot decide on your own request." in html and 'data-testid="decide-approve"' not in html
    assert alice.post(f"/tasks/{task_id}", data={"decision": "approve"}).status_code == 403


def test_unknown_task_is_not_found(login: Login) -> None:
    assert login("bob").get("/tasks/no-such-task").status_code == 404


def test_finance_sees_the_managers_earlier_approval(login: Login, open_task: OpenTask) -> None:
    html = login("carol").get(f"/tasks/{open_task(3)}").get_data(as_text=True)
    assert 'data-testid="earlier-approvals"' in html
    assert "Bob 张伟" in html and "同意" in html
    assert "Department manager and finance director" in html


@pytest.mark.parametrize("locale, words", [("en", "This task could not be completed: "), ("zh_CN", "无法完成此任务：")])
def test_a_decision_the_flow_cannot_take_says_why_and_keeps_the_task_open(
        login: Login, engine: WorkflowEngine, actor: Callable[[str], Actor], locale: str, words: str) -> None:
    engine.deploy_bundle(quick_review(post_script="echo = comment * 10**9"))  # 2 GB of text: over the limit
    view = engine.start("quick_review", {"item": "cables"}, actor("alice"))
    response = login("bob", locale=locale).post(f"/tasks/{view.tasks[0].id}",
                                                data={"decision": "approve", "comment": "ok"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert">' + words in html and "2,000,000,000 characters" in html
    assert 'value="ok"' in html or ">ok<" in html, "what the approver entered is kept"
    assert [t.status for t in engine.get(view.id).tasks] == ["open"]
