"""The API's inbox, task forms and drafts (with their versions), the audit trail and the flow-timing report."""
from __future__ import annotations

from api_helpers import ApiClient, open_task

pytest_plugins = ["api_fixtures"]


def test_the_inbox_takes_the_screens_tabs_filters_and_orders(api_client: ApiClient) -> None:
    small = api_client.start_purchase("alice", item="Keyboard", quantity=1, unit_price=300.0)
    large = api_client.start_purchase("alice", item="Storage array", quantity=2, unit_price=9000.0)
    body = api_client.get("/inbox?tab=group&process=purchase_approval&sort=age&limit=200", "bob").get_json()
    ids = [row["task"]["instance_id"] for row in body["items"]]
    assert small["id"] in ids and large["id"] in ids and ids.index(small["id"]) < ids.index(large["id"])
    row = next(r for r in body["items"] if r["task"]["instance_id"] == large["id"])
    assert row["summary"]["item"] == "Storage array"
    costly = api_client.get("/inbox?tab=group&amount_min=10000&limit=200", "bob").get_json()["items"]
    assert large["id"] in [r["task"]["instance_id"] for r in costly]
    assert small["id"] not in [r["task"]["instance_id"] for r in costly]
    alices = api_client.get("/inbox?tab=group&limit=200", "alice").get_json()["items"]
    assert not {small["id"], large["id"]} & {r["task"]["instance_id"] for r in alices}  # not hers to approve
    for query, name in (("tab=everything", "tab"), ("amount_min=lots", "amount_min"), ("created_to=soon", "created_to"),
                        ("sort=amount", "sort")):
        response = api_client.get(f"/inbox?{query}", "bob")
        assert response.status_code == 400 and set(response.get_json()["detail"]) == {name}, query


def test_a_task_form_and_a_draft_saved_with_its_version(api_client: ApiClient) -> None:
    task = open_task(api_client.start_purchase("alice"))
    form = api_client.get(f"/tasks/{task['id']}/form", "bob").get_json()
    assert form["form"] == task["form"] and form["draft"] is None
    assert form["definition"] is not None and "decision" in str(form["definition"])
    path = f"/tasks/{task['id']}/draft"
    first = api_client.call("PUT", path, "bob", json={"data": {"comment": "checking the quote"}, "version": 0})
    assert first.status_code == 200 and first.get_json() == {"data": {"comment": "checking the quote"}, "version": 1}
    second = api_client.call("PUT", path, "bob", json={"data": {"comment": "quote is fine"}, "version": 1})
    assert second.get_json()["version"] == 2
    stale = api_client.call("PUT", path, "bob", json={"data": {"comment": "old window"}, "version": 1})
    assert stale.status_code == 409 and stale.get_json()["detail"] == {"version": "is 2, not 1"}
    again = api_client.get(f"/tasks/{task['id']}/form", "bob").get_json()
    assert again["draft"] == {"data": {"comment": "quote is fine"}, "version": 2}
    missing = api_client.call("PUT", path, "bob", json={"data": {}})
    assert missing.status_code == 400 and missing.get_json()["detail"] == {"version": "is required"}
    assert api_client.call("PUT", path, "dave", json={"data": {}, "version": 0}).status_code == 403


def test_the_audit_trail_is_for_administrators_and_pages(api_client: ApiClient) -> None:
    instance = api_client.start_purchase("alice")
    assert api_client.get("/audit", "bob").status_code == 403
    body = api_client.get(f"/audit?target=instance {instance['id']}&limit=1", "admin").get_json()
    assert body["items"][0]["action"].startswith("instance.") and body["next"] is not None
    rest = api_client.get(f"/audit?target=instance {instance['id']}&limit=200&cursor={body['next']}",
                          "admin").get_json()
    actions = [r["action"] for r in body["items"] + rest["items"]]
    assert "instance.instance_started" in actions and rest["next"] is None
    assert api_client.get("/audit?since=today", "admin").status_code == 400


def test_the_flow_timing_report_is_for_managers(api_client: ApiClient) -> None:
    api_client.start_purchase("alice")
    report = api_client.get("/reports/flow-timing?days=30&process=purchase_approval", "bob")
    assert report.status_code == 200
    body = report.get_json()
    assert body["process"] == "purchase_approval"
    assert any(c["process"] == "purchase_approval" and c["started"] >= 1 for c in body["cycles"])
    assert api_client.get("/reports/flow-timing", "alice").status_code == 403
    assert api_client.get("/reports/flow-timing?days=3", "bob").status_code == 400
