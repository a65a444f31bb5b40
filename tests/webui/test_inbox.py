"""The inbox: three tabs with counts, claim and release, overdue, paging."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from engine import HumanTask, WorkflowEngine, utcnow
from webui.extensions import db

Login = Callable[..., FlaskClient]
OpenTask = Callable[[int], str]


def _rows(html: str) -> int:
    return html.count('data-testid="task-row"')


def test_group_tasks_show_what_the_group_may_decide(login: Login) -> None:
    bob = login("bob")
    response = bob.get("/inbox")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # the demo data leave one request waiting for the IT managers: the inbox opens on that tab
    assert 'data-testid="tab-group"' in html and 'aria-current="page">Group tasks' in html
    assert _rows(html) == 1
    assert "ThinkPad X1 笔记本电脑 × 3" in html
    assert "Alice 王丽" in html  # the requester, by display name
    assert "Purchase approval" in html
    assert 'data-testid="nav-count">1<' in html


def test_counts_on_each_tab(login: Login) -> None:
    html = login("bob").get("/inbox?tab=mine").get_data(as_text=True)
    assert 'My tasks <span class="count">0</span>' in html
    assert 'Group tasks <span class="count">1</span>' in html
    assert 'Done by me <span class="count">3</span>' in html
    assert "Nothing is assigned to you." in html


def test_claim_moves_a_task_to_my_tasks_and_release_moves_it_back(login: Login, engine: WorkflowEngine,
                                                                  open_task: OpenTask) -> None:
    bob = login("bob")
    task_id = open_task(1)
    response = bob.post(f"/tasks/{task_id}/claim", data={"next": "/inbox?tab=mine"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox?tab=mine")
    mine = bob.get("/inbox?tab=mine").get_data(as_text=True)
    assert "You claimed" in mine and _rows(mine) == 1 and 'data-testid="unclaim"' in mine
    assert _rows(bob.get("/inbox?tab=group").get_data(as_text=True)) == 0
    assert engine.get(1).tasks[0].assignee == "bob"

    assert bob.post(f"/tasks/{task_id}/unclaim").status_code == 302
    assert _rows(bob.get("/inbox?tab=group").get_data(as_text=True)) == 1
    assert engine.get(1).tasks[0].assignee is None


def test_claiming_a_task_someone_claimed_first(login: Login, open_task: OpenTask, add_user: Callable) -> None:
    add_user("erin", "IT", groups=["requesters", "IT-managers"], roles=["requester", "manager"])
    task_id = open_task(1)
    erin, bob = login("erin"), login("bob")
    assert erin.post(f"/tasks/{task_id}/claim").status_code == 302
    response = bob.post(f"/tasks/{task_id}/claim", follow_redirects=True)
    assert "Someone else has already claimed this task." in response.get_data(as_text=True)


def test_requester_never_sees_their_own_request_to_decide(login: Login) -> None:
    html = login("alice").get("/inbox").get_data(as_text=True)
    assert _rows(html) == 0
    assert 'data-testid="nav-count"' not in html


def test_done_by_me_lists_decisions_with_their_outcome(login: Login) -> None:
    html = login("bob").get("/inbox?tab=done").get_data(as_text=True)
    assert _rows(html) == 3
    assert 'class="badge rejected">Rejected<' in html
    assert html.count('class="badge approved">Approved<') == 2


def test_overdue_tasks_are_flagged(app: Flask, login: Login, open_task: OpenTask) -> None:
    task_id = open_task(1)
    bob = login("bob")
    assert 'data-testid="overdue"' not in bob.get("/inbox?tab=group").get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(HumanTask).where(HumanTask.id == task_id)
                           .values(due_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    assert 'data-testid="overdue"' in bob.get("/inbox?tab=group").get_data(as_text=True)


def test_inbox_pages_by_fifty(login: Login, purchase: Callable[..., int]) -> None:
    for n in range(55):
        purchase(item=f"Cable {n}")
    bob = login("bob")
    first = bob.get("/inbox?tab=group").get_data(as_text=True)
    assert _rows(first) == 50
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = bob.get("/inbox?tab=group&page=2").get_data(as_text=True)
    assert _rows(second) == 6 and 'rel="prev"' in second
    assert bob.get("/inbox?tab=group&page=99").status_code == 200  # out of range: the last page


def test_each_row_links_to_its_task_page(login: Login, open_task: OpenTask) -> None:
    task_id = open_task(1)
    html = login("bob").get("/inbox").get_data(as_text=True)
    assert f'href="/tasks/{task_id}"' in html
