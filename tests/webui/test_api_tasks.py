"""REST API: the task list, one task, claim / unclaim / complete, and a whole purchase approval."""
from __future__ import annotations

from typing import Any

from api_helpers import ApiClient, open_task

pytest_plugins = ["api_fixtures"]

LIST_FIELDS = {"id", "title", "process", "instance_id", "candidate_group", "assignee", "created_at", "due_at"}


def complete(api_client: ApiClient, task_id: str, user: str, **data: Any) -> Any:
    return api_client.post(f"/tasks/{task_id}/complete", user, json={"data": data})


def test_full_purchase_approval_through_the_api(api_client: ApiClient) -> None:
    started = api_client.start_purchase("alice")  # 10 x 12,000 = 120,000: manager, then finance
    manager_task = open_task(started)
    assert manager_task["id"] in [t["id"] for t in api_client.items("/tasks", "bob")]

    response = complete(api_client, manager_task["id"], "bob", decision="approve", comment="needed")
    assert response.status_code == 200
    after_manager = response.get_json()
    assert after_manager["status"] == "waiting"
    finance_task = open_task(after_manager)
    assert finance_task["candidate_group"] == "finance-directors"
    assert finance_task["id"] in [t["id"] for t in api_client.items("/tasks", "carol")]

    response = complete(api_client, finance_task["id"], "carol", decision="approve")
    assert response.status_code == 200
    done = api_client.get(f"/process-instances/{started['id']}", "alice").get_json()
    assert done == response.get_json()
    assert done["status"] == "completed" and done["ended_at"]
    assert done["data"]["outcome"] == "approved"
    assert done["data"]["purchase_order"]["number"].startswith("PO-")
    assert done["data"]["purchase_order"]["amount"] == 120000.0
    assert done["data"]["payment_request"]["amount"] == 120000.0
    assert [(t["task_name"], t["status"], t["completed_by"], t["outcome"]) for t in done["tasks"]] == [
        ("Task_manager_approval", "completed", "bob", "approve"),
        ("Task_finance_approval", "completed", "carol", "approve")]
    history = done["history"]
    assert [(e["kind"], e["actor"]) for e in history if e["kind"] == "task_completed"] == [
        ("task_completed", "bob"), ("task_completed", "carol")]
    assert {"alice", "bob", "carol"} <= {e["actor"] for e in history}
    assert history[0]["kind"] == "instance_started" and history[-1]["kind"] == "instance_completed"
    assert [e["detail"]["comment"] for e in history if e["kind"] == "task_completed"] == ["needed", None]
    assert finance_task["id"] not in [t["id"] for t in api_client.items("/tasks", "carol")]


def test_task_list_shows_what_the_caller_may_work_on_now(api_client: ApiClient) -> None:
    started = api_client.start_purchase("alice")
    bobs = api_client.items("/tasks", "bob")
    assert open_task(started)["id"] in [t["id"] for t in bobs]
    assert all(LIST_FIELDS <= set(t) and t["candidate_group"] == "IT-managers" for t in bobs)
    assert all(t["process"] == "purchase_approval" and t["assignee"] is None for t in bobs)
    assert api_client.items("/tasks", "alice") == []  # requesters decide nothing
    assert api_client.items("/tasks", "dave") == []
    assert [t["candidate_group"] for t in api_client.items("/tasks", "carol")] == ["finance-directors"]
    own = api_client.start_purchase("bob")  # bob may not decide on his own request: not in his list
    assert open_task(own)["id"] not in [t["id"] for t in api_client.items("/tasks", "bob")]


def test_task_list_pages_by_cursor_and_says_when_there_is_more(api_client: ApiClient) -> None:
    for _ in range(4):
        api_client.start_purchase("alice")
    every = [t["id"] for t in api_client.items("/tasks", "bob")]
    assert len(every) == 5  # four new ones and the seeded request waiting for a manager
    first = api_client.get("/tasks?limit=2", "bob").get_json()
    assert len(first["items"]) == 2 and first["next"]
    for limit in (1, 2, 3, 5, 200):
        paged, pages = api_client.every("/tasks", "bob", limit)
        assert [t["id"] for t in paged] == every, limit  # each once, in inbox order
        assert pages == -(-len(every) // limit)  # a full last page already says there is no more
    last = api_client.get("/tasks?limit=5", "bob")
    assert last.get_json()["next"] is None and "Link" not in last.headers


def test_a_task_page_stays_right_when_tasks_are_done_between_pages(api_client: ApiClient) -> None:
    for _ in range(4):
        api_client.start_purchase("alice")
    every = [t["id"] for t in api_client.items("/tasks", "bob")]
    first = api_client.get("/tasks?limit=2", "bob").get_json()
    done = complete(api_client, first["items"][0]["id"], "bob", decision="reject", comment="no")
    assert done.status_code == 200
    rest = api_client.items(f"/tasks?limit=50&cursor={first['next']}", "bob")
    assert [t["id"] for t in rest] == every[2:]  # nothing skipped, nothing twice


def test_bad_paging_parameters_are_400_naming_them(api_client: ApiClient) -> None:
    for query, name in (("limit=0", "limit"), ("limit=ten", "limit"), ("cursor=xyz", "cursor"),
                        ("cursor=W10", "cursor"), ("cursor=WzEsMiwzXQ", "cursor")):
        response = api_client.get(f"/tasks?{query}", "bob")
        assert response.status_code == 400 and name in response.get_json()["detail"], query
    capped = api_client.get("/tasks?limit=100000", "bob")
    assert capped.status_code == 200 and len(capped.get_json()["items"]) <= 200


def test_get_one_task(api_client: ApiClient) -> None:
    task = open_task(api_client.start_purchase("alice"))
    response = api_client.get(f"/tasks/{task['id']}", "bob")
    assert response.status_code == 200
    assert response.get_json() == task
    assert api_client.get(f"/tasks/{task['id']}", "alice").status_code == 200  # her own request
    response = api_client.get(f"/tasks/{task['id']}", "dave")
    assert response.status_code == 403 and response.is_json
    response = api_client.get("/tasks/00000000-0000-0000-0000-000000000000", "bob")
    assert response.status_code == 404 and response.get_json()["error"]


def test_claim_and_unclaim(api_client: ApiClient) -> None:
    task_id = open_task(api_client.start_purchase("alice"))["id"]
    assert api_client.post(f"/tasks/{task_id}/claim", "dave").status_code == 403  # not an IT manager
    response = api_client.post(f"/tasks/{task_id}/claim", "bob")
    assert response.status_code == 200
    claimed = response.get_json()
    assert claimed["assignee"] == "bob" and claimed["claimed_at"].endswith("Z")
    assert api_client.post(f"/tasks/{task_id}/claim", "bob").status_code == 200  # already his: no change
    assert api_client.post(f"/tasks/{task_id}/unclaim", "carol").status_code == 403
    response = api_client.post(f"/tasks/{task_id}/unclaim", "bob")
    assert response.status_code == 200
    assert response.get_json()["assignee"] is None and response.get_json()["claimed_at"] is None
    assert api_client.post("/tasks/no-such-task/claim", "bob").status_code == 404
    assert api_client.post("/tasks/no-such-task/unclaim", "bob").status_code == 404
    assert complete(api_client, task_id, "bob", decision="approve").status_code == 200
    assert api_client.post(f"/tasks/{task_id}/claim", "bob").status_code == 409
    assert api_client.post(f"/tasks/{task_id}/unclaim", "bob").status_code == 409


def test_separation_of_duties_and_outsiders_are_403(api_client: ApiClient) -> None:
    task_id = open_task(api_client.start_purchase("alice"))["id"]
    response = complete(api_client, task_id, "alice", decision="approve", comment="looks fine to me")
    assert response.status_code == 403
    assert "separation of duties" in response.get_json()["error"]
    assert complete(api_client, task_id, "dave", decision="approve").status_code == 403

    own_task_id = open_task(api_client.start_purchase("bob"))["id"]  # bob is an IT manager himself
    response = complete(api_client, own_task_id, "bob", decision="approve")
    assert response.status_code == 403 and "separation of duties" in response.get_json()["error"]
    assert api_client.get(f"/process-instances/{open_task(api_client.start_purchase('alice'))['instance_id']}",
                          "dave").status_code == 403


def test_completing_a_completed_task_is_409(api_client: ApiClient) -> None:
    task_id = open_task(api_client.start_purchase("alice", quantity=1, unit_price=6000.0))["id"]
    assert complete(api_client, task_id, "bob", decision="approve").status_code == 200
    response = complete(api_client, task_id, "bob", decision="approve")
    assert response.status_code == 409
    assert response.get_json()["error"] == "task is no longer open"
    assert complete(api_client, "no-such-task", "bob", decision="approve").status_code == 404


def test_invalid_task_data_names_the_field(api_client: ApiClient) -> None:
    started = api_client.start_purchase("alice")
    task_id = open_task(started)["id"]
    path = f"/tasks/{task_id}/complete"

    response = complete(api_client, task_id, "bob", decision="maybe")
    assert response.status_code == 422
    assert set(response.get_json()["detail"]) == {"decision"} and "decision" in response.get_json()["error"]
    response = complete(api_client, task_id, "bob", decision="reject")
    assert response.status_code == 422 and set(response.get_json()["detail"]) == {"comment"}
    response = complete(api_client, task_id, "bob", decision="reject", comment="   ")
    assert response.status_code == 422 and set(response.get_json()["detail"]) == {"comment"}
    response = api_client.post(path, "bob", json={})
    assert response.status_code == 422 and response.get_json()["detail"] == {"decision": "is required"}
    response = api_client.post(path, "bob", json={"data": "approve"})
    assert response.status_code == 422 and response.get_json()["detail"] == {"data": "must be an object"}
    response = api_client.post(path, "bob", json={"decision": "approve"})  # forgot the "data" wrapper
    assert response.status_code == 400 and "decision" in response.get_json()["detail"]
    response = api_client.post(path, "bob", data='{"data": {"decision": "approve"}', content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed JSON body" and "column" in response.get_json()["detail"]

    unchanged = api_client.get(f"/process-instances/{started['id']}", "bob").get_json()
    assert open_task(unchanged)["id"] == task_id and unchanged["history"] == started["history"]  # nothing recorded
    response = complete(api_client, task_id, "bob", decision="reject", comment="no budget left")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "completed" and body["data"]["outcome"] == "rejected"
    assert body["data"]["rejection_comment"] == "no budget left" and "purchase_order" not in body["data"]

