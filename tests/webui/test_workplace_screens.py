"""The workplace screens: queues, filters, delegation, absences, comments, files, drafts, bulk, notifications."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from workplace_bpmn import quick_review

from engine import Actor, WorkflowEngine, utcnow

Login = Callable[..., FlaskClient]
OpenTask = Callable[[int], str]


@pytest.fixture
def outsider(add_user: Callable[..., None], login: Login) -> FlaskClient:
    add_user("eve", "Sales")
    return login("eve")


def _upload(client: FlaskClient, instance_id: int, name: str, content: bytes):  # noqa: ANN202
    return client.post(f"/instances/{instance_id}/attachments", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_someone_who_may_not_see_the_instance_gets_403_or_404(login: Login, open_task: OpenTask,
                                                             outsider: FlaskClient) -> None:
    task_id = open_task(1)
    bob = login("bob")
    assert _upload(bob, 1, "quote.pdf", b"%PDF-1.4 quote").status_code == 302
    assert outsider.get(f"/tasks/{task_id}").status_code == 403
    assert outsider.get("/instances/1/diagram.bpmn").status_code == 403
    assert outsider.get("/instances/1/attachments/1").status_code == 403
    assert outsider.post("/instances/1/comments", data={"body": "hi"}).status_code == 403
    assert _upload(outsider, 1, "x.pdf", b"%PDF").status_code == 403
    assert outsider.get("/instances/999/attachments/1").status_code == 404
    assert bob.get("/instances/1/attachments/999").status_code == 404
    assert bob.get("/tasks/no-such-task").status_code == 404


def test_attachments_upload_with_limits_and_download(login: Login, open_task: OpenTask, app: Flask) -> None:
    bob = login("bob")
    response = _upload(bob, 1, "quote.pdf", b"%PDF-1.4 the quote")
    assert response.status_code == 302
    page = bob.get(f"/tasks/{open_task(1)}").get_data(as_text=True)
    assert "quote.pdf" in page
    [link] = re.findall(r'href="(/instances/1/attachments/\d+)">quote.pdf<', page)
    download = login("alice").get(link)
    assert download.status_code == 200 and download.data == b"%PDF-1.4 the quote"
    assert "attachment" in download.headers["Content-Disposition"]
    folder = app.extensions["opsflow.workplace"].attachment_root / "1"
    assert len(list(folder.iterdir())) == 1  # on disk under the instance's folder
    refused = _upload(bob, 1, "tool.exe", b"MZ")
    assert "not allowed" in bob.get(refused.headers["Location"]).get_data(as_text=True)
    app.extensions["opsflow.workplace"].max_upload = 10
    too_big = _upload(bob, 1, "big.txt", b"x" * 11)
    assert "too large" in bob.get(too_big.headers["Location"]).get_data(as_text=True)
    assert len(list(folder.iterdir())) == 1  # nothing half-stored


def test_upload_needs_the_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    client.post("/login", data={"username": "bob", "password": "demo"})  # refused too: no token
    assert _upload(client, 1, "a.pdf", b"%PDF").status_code == 400


def test_comment_with_a_mention_rings_the_bell(login: Login, open_task: OpenTask) -> None:
    bob = login("bob")
    response = bob.post("/instances/1/comments", data={"body": "@alice which dock model?",
                                                       "next": f"/tasks/{open_task(1)}"})
    assert response.status_code == 302
    assert "@alice which dock model?" in bob.get(f"/tasks/{open_task(1)}").get_data(as_text=True)
    alice = login("alice")
    inbox = alice.get("/inbox").get_data(as_text=True)
    assert 'data-testid="bell-count"' in inbox
    listing = alice.get("/notifications").get_data(as_text=True)
    assert "mentioned you on request #1" in listing and "which dock model?" in listing
    alice.post("/notifications/read")
    assert 'data-testid="bell-count"' not in alice.get("/inbox").get_data(as_text=True)


def test_delegating_moves_the_task_and_shows_in_both_queues(login: Login, open_task: OpenTask,
                                                           engine: WorkflowEngine) -> None:
    task_id = open_task(1)
    bob = login("bob")
    response = bob.post(f"/tasks/{task_id}/delegate", data={"to": "carol", "reason": "Carol knows the supplier"})
    assert response.status_code == 302 and "tab=delegated" in response.headers["Location"]
    delegated = bob.get("/inbox?tab=delegated").get_data(as_text=True)
    assert task_id in delegated and "now with" in delegated
    assert task_id in login("carol").get("/inbox?tab=mine").get_data(as_text=True)
    handed = [e for e in engine.get(1).history if e.kind == "task_delegated"]
    assert handed[0].detail == {"from": "bob", "to": "carol", "reason": "Carol knows the supplier"}
    refused = login("dave").post(f"/tasks/{task_id}/delegate", data={"to": "bob", "reason": "x"})
    assert refused.status_code == 403


def test_delegating_without_a_reason_says_so(login: Login, open_task: OpenTask) -> None:
    bob = login("bob")
    response = bob.post(f"/tasks/{open_task(1)}/delegate", data={"to": "carol", "reason": ""})
    assert "Give a reason." in bob.get(response.headers["Location"]).get_data(as_text=True)


def test_a_deputy_sees_the_absent_managers_group_tasks(login: Login, open_task: OpenTask) -> None:
    today = utcnow().date()
    bob = login("bob")
    response = bob.post("/away", data={"deputy": "dave", "starts_on": today.isoformat(),
                                       "ends_on": (today + timedelta(days=3)).isoformat()})
    assert response.status_code == 302
    assert "deputy" in bob.get("/away").get_data(as_text=True).lower()
    assert open_task(1) in login("dave").get("/inbox?tab=group").get_data(as_text=True)
    bad = bob.post("/away", data={"deputy": "dave", "starts_on": "2026-05-02", "ends_on": "2026-05-01"})
    assert bad.status_code == 422 and 'data-testid="error-ends_on"' in bad.get_data(as_text=True)


def test_filters_search_sort_save_and_export(login: Login, purchase: Callable[..., int]) -> None:
    purchase(item="Standing desk", quantity=1, unit_price=4000.0)
    bob = login("bob")
    page = bob.get("/inbox?tab=group&q=standing").get_data(as_text=True)
    assert "Standing desk" in page and "ThinkPad" not in page
    assert "Standing desk" not in bob.get("/inbox?tab=group&amount_min=5000").get_data(as_text=True)
    assert "Standing desk" in bob.get("/inbox?tab=group&department=IT&requester=alice").get_data(as_text=True)
    assert "No tasks match" in bob.get("/inbox?tab=group&department=Sales").get_data(as_text=True)
    assert "No tasks match" in bob.get("/inbox?tab=group&created_to=2000-01-01").get_data(as_text=True)
    assert "Standing desk" in bob.get("/inbox?tab=group&amount_max=5000&sort=priority").get_data(as_text=True)
    bob.post("/inbox/filters", data={"name": "Small", "query": "tab=group&amount_max=5000"})
    assert "tab=group&amp;amount_max=5000" in bob.get("/inbox").get_data(as_text=True)
    export = bob.get("/inbox/export.xlsx?tab=group&q=standing")
    sheet = load_workbook(io.BytesIO(export.data)).active
    assert [c.value for c in sheet[2]][0].startswith("Standing desk")


def test_a_draft_is_filled_in_again(login: Login, open_task: OpenTask) -> None:
    bob = login("bob")
    task_id = open_task(1)
    response = bob.post(f"/tasks/{task_id}", data={"comment": "Checking the budget", "_save_draft": "1"})
    assert response.status_code == 302
    page = bob.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Checking the budget" in page and 'data-testid="draft-loaded"' in page


def test_bulk_approve_where_the_process_allows_it(login: Login, engine: WorkflowEngine,
                                                  actor: Callable[[str], Actor]) -> None:
    engine.deploy_bundle(quick_review())
    ids = [engine.start("quick_review", {"item": i}, actor("alice")).tasks[0].id for i in ("pen", "ink")]
    bob = login("bob")
    page = bob.get("/inbox?tab=group&sort=priority").get_data(as_text=True)
    for task_id in ids:
        assert f'name="task" value="{task_id}"' in page
    assert 'data-testid="priority"' in page
    assert 'data-testid="due-soon"' in page
    response = bob.post("/inbox/bulk-approve", data={"task": [*ids, "gone"], "comment": "ok"})
    flashed = bob.get(response.headers["Location"]).get_data(as_text=True)
    assert "Approved 2 task(s)." in flashed and "Not approved" in flashed
    assert all(engine.task(i, actor("bob")).outcome == "approve" for i in ids)


def test_the_hand_over_and_its_reason_are_in_the_request_history(login: Login, open_task: OpenTask) -> None:
    login("bob").post(f"/tasks/{open_task(1)}/delegate", data={"to": "carol", "reason": "Carol decides IT spend"})
    history = login("alice").get("/instances/1").get_data(as_text=True)
    assert "Delegated" in history and "Carol decides IT spend" in history


def test_chores_for_the_scheduler_run_from_the_command_line(app: Flask, login: Login) -> None:
    runner = app.test_cli_runner()
    assert "overdue reminder(s) sent" in runner.invoke(args=["inbox", "notify-overdue"]).output
    assert "task(s) handed to deputies" in runner.invoke(args=["inbox", "apply-absences"]).output


def test_the_requester_sees_comments_and_files_on_the_request_page(login: Login) -> None:
    alice = login("alice")
    alice.post("/instances/1/comments", data={"body": "Quote attached, @bob"})
    _upload(alice, 1, "quote.pdf", b"%PDF-1.4 q")
    page = alice.get("/instances/1").get_data(as_text=True)
    assert "Quote attached, @bob" in page and "quote.pdf" in page and 'data-testid="comments"' in page
