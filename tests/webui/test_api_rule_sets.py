"""REST API: administrators read the rule sets' schedules and change one; a bad crontab names its field."""
from __future__ import annotations

from datetime import datetime

from api_helpers import ApiClient

pytest_plugins = ["api_fixtures"]


def test_an_administrator_reads_and_changes_a_schedule(api_client: ApiClient) -> None:
    [rule_set] = api_client.items("/rule-sets", "admin")
    assert (rule_set["process_key"], rule_set["schedule"], rule_set["timezone"]) == (
        "purchase_approval", "* * * * *", "Asia/Shanghai")
    path = f"/rule-sets/{rule_set['id']}/schedule"

    changed = api_client.call("PUT", path, "admin", json={"schedule": "0 9 * * 1-5"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["schedule"] == "0 9 * * 1-5"
    next_run = datetime.fromisoformat(body["next_run"].removesuffix("Z"))
    assert (next_run.hour, next_run.minute, next_run.isoweekday() <= 5) == (1, 0, True)  # 09:00 in Shanghai
    assert api_client.items("/rule-sets", "admin")[0]["schedule"] == "0 9 * * 1-5"


def test_a_bad_schedule_is_refused_and_changes_nothing(api_client: ApiClient) -> None:
    [rule_set] = api_client.items("/rule-sets", "admin")
    path = f"/rule-sets/{rule_set['id']}/schedule"
    bad = api_client.call("PUT", path, "admin", json={"schedule": "0 9 * * funday"})
    assert bad.status_code == 400
    assert bad.get_json()["error"] == "invalid schedule"
    assert bad.get_json()["detail"]["schedule"].startswith("schedule: day of week 'funday'")
    missing = api_client.call("PUT", path, "admin", json={})
    assert missing.status_code == 400 and missing.get_json()["detail"] == {"schedule": "is required"}
    assert api_client.call("PUT", path, "bob", json={"schedule": "* * * * *"}).status_code == 403
    assert api_client.get("/rule-sets", "alice").status_code == 403
    assert api_client.call("PUT", "/rule-sets/999/schedule", "admin", json={"schedule": "* * * * *"}).status_code == 404
    assert api_client.items("/rule-sets", "admin")[0]["schedule"] == "* * * * *"
