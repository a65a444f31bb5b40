"""REST API: every list endpoint pages the same way and a client reading page by page sees each item once."""
from __future__ import annotations

from api_helpers import ApiClient

pytest_plugins = ["api_fixtures"]


def test_processes_page_through_every_process_once(api_client: ApiClient) -> None:
    whole = api_client.items("/processes", "dave")
    assert len(whole) == 8
    for limit in (1, 2, 3, 8):
        paged, pages = api_client.every("/processes", "dave", limit)
        assert paged == whole and pages == -(-8 // limit), limit


def test_comments_page_through_every_comment_once(api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice")
    path = f"/process-instances/{instance['id']}/comments"
    for n in range(5):
        assert api_client.post(path, "alice", json={"body": f"note {n}"}).status_code == 201
    paged, pages = api_client.every(path, "alice", 2)
    assert [c["body"] for c in paged] == [f"note {n}" for n in range(5)] and pages == 3
    first = api_client.get(f"{path}?limit=2", "alice")
    assert first.get_json()["next"] and 'rel="next"' in first.headers["Link"]


def test_rule_sets_page_and_refuse_a_bad_limit_by_name(api_client: ApiClient) -> None:
    paged, pages = api_client.every("/rule-sets", "admin", 1)
    assert paged == api_client.items("/rule-sets", "admin") and pages == len(paged) >= 1
    for path, user in (("/rule-sets", "admin"), ("/processes", "dave"), ("/tasks", "bob")):
        for bad in ("0", "-3", "x"):
            response = api_client.get(f"{path}?limit={bad}", user)
            assert response.status_code == 400 and "limit" in response.get_json()["detail"], (path, bad)
        response = api_client.get(f"{path}?cursor=%%%", user)
        assert response.status_code == 400 and "cursor" in response.get_json()["detail"], path
