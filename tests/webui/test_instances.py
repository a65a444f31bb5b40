"""The instance page: data, outcome, history, waiting times, cancel and retry."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from broken_flow import broken_flow
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from engine import Actor, HumanTask, WorkflowEngine
from webui.extensions import db

Login = Callable[..., FlaskClient]
ADMIN = Actor("admin", frozenset({"requesters", "admins"}), frozenset({"admin"}))
BROKEN = broken_flow("broken_flow", "Task_divide", "Divide")


def test_requester_sees_data_history_and_the_approval(login: Login) -> None:
    html = login("alice").get("/instances/2").get_data(as_text=True)
    assert "Purchase approval" in html and "version 1" in html
    assert 'data-testid="outcome"' in html and "Approved" in html
    assert 'data-testid="po-number">PO-' in html and 'data-testid="payment-number">PR-' in html
    for kind in ("instance_started", "step_completed", "task_created", "task_completed", "instance_completed"):
        assert f'data-kind="{kind}"' in html
    assert "Bob 张伟" in html and "同意" in html
    assert "CN¥3,998.00" in html


def test_diagram_is_the_instances_bpmn_and_only_for_those_who_may_see_it(login: Login) -> None:
    response = login("alice").get("/instances/3/diagram.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b'<bpmn:process id="purchase_approval"' in response.data
    html = login("alice").get("/instances/3").get_data(as_text=True)
    assert 'data-current="Task_finance_approval"' in html
    assert "Task_manager_approval" in html.split('data-done="')[1].split('"')[0]
    assert login("dave").get("/instances/3/diagram.bpmn").status_code == 403
    assert login("alice").get("/instances/999/diagram.bpmn").status_code == 404


def test_rejection_comment_is_shown_prominently(login: Login) -> None:
    html = login("alice").get("/instances/4").get_data(as_text=True)
    assert 'class="banner rejected"' in html
    assert 'data-testid="rejection-comment">预算不足，下季度再申请<' in html
    assert "Bob 张伟 rejected this request." in html


def test_waiting_instance_says_who_it_waits_for(login: Login) -> None:
    html = login("alice").get("/instances/3").get_data(as_text=True)
    assert 'class="banner waiting"' in html and "Finance director approval" in html
    assert "Finance directors" in html


def test_each_step_shows_how_long_it_waited(app: Flask, login: Login, engine: WorkflowEngine) -> None:
    task = engine.get(4).tasks[0]
    with app.app_context():
        db.session.execute(update(HumanTask).where(HumanTask.id == task.id).values(
            created_at=task.completed_at - timedelta(hours=2, minutes=5)))
        db.session.commit()
    html = login("alice").get("/instances/4").get_data(as_text=True)
    assert "2 h 5 min" in html
    assert "2 小时 5 分钟" in login("alice", locale="zh_CN").get("/instances/4").get_data(as_text=True)


def test_history_in_chinese(login: Login) -> None:
    html = login("alice", locale="zh_CN").get("/instances/4").get_data(as_text=True)
    assert "已提交" in html and "已驳回" in html and "部门经理审批" in html


def test_someone_from_another_department_gets_403(login: Login, add_user: Callable) -> None:
    add_user("sam", "Sales")
    assert login("sam").get("/instances/1").status_code == 403
    assert login("dave").get("/instances/1").status_code == 403


def test_unknown_instance_is_not_found(login: Login) -> None:
    assert login("alice").get("/instances/999").status_code == 404


def test_requester_may_cancel_while_waiting(login: Login, engine: WorkflowEngine) -> None:
    alice = login("alice")
    assert 'data-testid="cancel"' in alice.get("/instances/1").get_data(as_text=True)
    assert 'data-testid="cancel"' not in alice.get("/instances/2").get_data(as_text=True)
    response = alice.post("/instances/1/cancel", follow_redirects=True)
    assert "Request #1 was cancelled." in response.get_data(as_text=True)
    assert engine.get(1).status == "cancelled"
    assert "This request has already finished." in alice.post(
        "/instances/1/cancel", follow_redirects=True).get_data(as_text=True)


def test_an_approver_may_not_cancel(login: Login, engine: WorkflowEngine, open_task: Callable[[int], str]) -> None:
    bob = login("bob")
    assert 'data-testid="cancel"' not in bob.get("/instances/1").get_data(as_text=True)
    assert bob.post("/instances/1/cancel").status_code == 403
    assert engine.get(1).status == "waiting"
    assert open_task(1)


def test_admin_may_retry_a_failed_instance(login: Login, engine: WorkflowEngine, tmp_path: Path) -> None:
    (tmp_path / "broken.bpmn").write_text(BROKEN)
    engine.deploy_path(tmp_path)
    instance_id = engine.start("broken_flow", {"divisor": 0}, ADMIN).id
    admin = login("admin")
    html = admin.get(f"/instances/{instance_id}").get_data(as_text=True)
    assert 'class="banner error"' in html and 'data-testid="retry"' in html and "Divide" in html
    response = admin.post(f"/instances/{instance_id}/retry", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The step failed again" in html and 'data-kind="instance_retried"' in html
    assert 'data-testid="retry"' not in login("bob").get(f"/instances/{instance_id}").get_data(as_text=True)
    assert login("bob").post(f"/instances/{instance_id}/retry").status_code == 403
