"""The API's lists: definitions and instances, with one paging, filtering and sorting convention."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from api_helpers import ApiClient

pytest_plugins = ["api_fixtures"]

FLOWS = Path(__file__).with_name("message_flows.bpmn")


def every_page(client: ApiClient, path: str, user: str) -> tuple[list[dict[str, Any]], int]:
    """Follow `next` to the end, checking the Link header names the same page; the items and the page count."""
    items, pages, url = [], 0, path
    while True:
        response = client.get(url, user)
        assert response.status_code == 200, response.get_json()
        body, pages = response.get_json(), pages + 1
        items += body["items"]
        if body["next"] is None:
            assert "Link" not in response.headers
            return items, pages
        link = response.headers["Link"]
        assert link.endswith('>; rel="next"') and f"cursor={body['next']}" in link
        url = link[1:link.index(">")].removeprefix("/api/v1")


def test_instances_are_paged_with_a_next_cursor_until_the_last_page(api_client: ApiClient) -> None:
    started = [api_client.start_purchase("alice", item=f"Laptop {i}")["id"] for i in range(5)]
    items, pages = every_page(api_client, "/process-instances?limit=2&process=purchase_approval", "alice")
    mine = [i["id"] for i in items if i["id"] in started]
    assert mine == sorted(started, reverse=True)  # newest first, each exactly once
    assert pages == -(-len(items) // 2)  # no empty last page
    oldest_first, _ = every_page(api_client, "/process-instances?limit=3&sort=created_at&started_by=alice", "alice")
    assert [i["id"] for i in oldest_first if i["id"] in started] == started
    assert all(i["started_by"] == "alice" for i in oldest_first)


def test_instance_filters_and_what_each_caller_sees(api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice", item="Unique printer")
    key = {"business_key": instance["business_key"]} if instance["business_key"] else {}
    found = api_client.get(f"/process-instances?status={instance['status']}&started_by=alice", "alice").get_json()
    row = next(i for i in found["items"] if i["id"] == instance["id"])
    assert row["summary"]["item"] == "Unique printer" and row["process_name"] and key is not None
    # dave (a designer, no task in it) does not see alice's request; the admin does
    assert instance["id"] not in [i["id"] for i in every_page(api_client, "/process-instances", "dave")[0]]
    assert instance["id"] in [i["id"] for i in every_page(api_client, "/process-instances?limit=200", "admin")[0]]
    # bob, the manager with the approval task, sees it
    assert instance["id"] in [i["id"] for i in every_page(api_client, "/process-instances?limit=200", "bob")[0]]


def test_list_parameters_are_checked_naming_the_parameter(api_client: ApiClient) -> None:
    for query, name in (("sort=amount", "sort"), ("cursor=bm9wZQ", "cursor"), ("status=lost", "status"),
                        ("created_from=yesterday", "created_from"), ("limit=0", "limit")):
        response = api_client.get(f"/process-instances?{query}", "alice")
        assert response.status_code == 400 and set(response.get_json()["detail"]) == {name}, query
    first = api_client.get("/process-instances?limit=1&sort=created_at", "admin").get_json()
    if first["next"]:  # a cursor belongs to its order
        response = api_client.get(f"/process-instances?limit=1&cursor={first['next']}", "admin")
        assert response.status_code == 400 and set(response.get_json()["detail"]) == {"cursor"}


def test_definitions_list_their_versions_and_bpmn_and_a_designer_deploys_a_file(api_client: ApiClient) -> None:
    listed, _ = every_page(api_client, "/definitions?limit=5", "alice")
    keys = [d["key"] for d in listed]
    assert "purchase_approval" in keys and keys == sorted(keys) and len(keys) == len(set(keys))
    assert api_client.get("/definitions?q=purchase", "alice").get_json()["items"][0]["key"] == "purchase_approval"
    assert api_client.get("/definitions/purchase_approval/versions/1/bpmn", "alice").status_code == 403

    xml = api_client.get("/definitions/purchase_approval/versions/1/bpmn", "dave")
    assert xml.status_code == 200 and xml.mimetype == "application/xml" and b'id="purchase_approval"' in xml.data

    def deploy(user: str, content: bytes, name: str = "message_flows.bpmn") -> Any:
        return api_client.post("/definitions", user, data={"file": (BytesIO(content), name)},
                               content_type="multipart/form-data")

    assert deploy("alice", FLOWS.read_bytes()).status_code == 403
    first = deploy("dave", FLOWS.read_bytes())
    assert first.status_code == 201
    assert sorted((d["key"], d["created"]) for d in first.get_json()) == [("paid_order", True), ("refund_check", True)]
    again = deploy("dave", FLOWS.read_bytes())
    assert again.status_code == 200 and not any(d["created"] for d in again.get_json())
    changed = deploy("dave", FLOWS.read_bytes().replace(b'name="Refund check"', b'name="Refund review"'))
    assert changed.status_code == 201 and {d["key"]: d["version"] for d in changed.get_json()}["refund_check"] == 2
    versions = api_client.get("/definitions/refund_check/versions", "alice").get_json()["items"]
    assert [(v["version"], v["name"], v["deployed_by"]) for v in versions] == [
        (2, "Refund review", "dave"), (1, "Refund check", "dave")]

    broken = deploy("dave", b"<bpmn:definitions")
    assert broken.status_code == 422 and broken.get_json()["detail"][0]["message"].startswith("not well-formed")
    assert api_client.post("/definitions", "dave", data={}, content_type="multipart/form-data").status_code == 400
    assert api_client.get("/definitions/no_such/versions", "alice").status_code == 404
