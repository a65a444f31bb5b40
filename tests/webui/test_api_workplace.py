"""REST API: delegating a task and the comments on a request."""
from __future__ import annotations

from api_helpers import ApiClient, open_task

pytest_plugins = ["api_fixtures"]


def test_delegate_through_the_api(api_client: ApiClient) -> None:
    task = open_task(api_client.start_purchase("alice"))
    response = api_client.post(f"/tasks/{task['id']}/delegate", "bob", json={"to": "carol", "reason": "expert"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["assignee"] == "carol"
    assert api_client.post(f"/tasks/{task['id']}/delegate", "dave",
                           json={"to": "bob", "reason": "x"}).status_code == 403
    missing = api_client.post(f"/tasks/{task['id']}/delegate", "carol", json={"to": "bob"})
    assert missing.status_code == 400 and "reason" in missing.get_json()["error"]
    unknown = api_client.post(f"/tasks/{task['id']}/delegate", "carol", json={"to": "ghost", "reason": "x"})
    assert unknown.status_code == 422 and "to" in unknown.get_json()["detail"]


def test_comments_through_the_api(api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice")
    path = f"/process-instances/{instance['id']}/comments"
    created = api_client.post(path, "alice", json={"body": "@bob urgent please"})
    assert created.status_code == 201 and created.get_json()["mentions"] == ["bob"]
    assert [c["body"] for c in api_client.items(path, "bob")] == ["@bob urgent please"]
    assert api_client.get(path, "dave").status_code == 403
    assert api_client.get("/process-instances/9999/comments", "bob").status_code == 404
