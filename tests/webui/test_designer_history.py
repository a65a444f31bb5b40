"""Version history per process: who deployed what and when, and the diff of two versions."""
from __future__ import annotations

from tests.engine.test_version_diff import V1, _v2


def _deploy_v2(dave) -> None:
    response = dave.post("/designer/purchase_approval/deploy", json={"xml": _v2(), "version": 1})
    assert response.status_code == 201, response.get_json()


def test_history_lists_who_deployed_each_version(login) -> None:
    dave = login("dave")
    _deploy_v2(dave)
    html = dave.get("/designer/purchase_approval/history").get_data(as_text=True)
    rows = html.split('data-testid="version-row"')[1:]
    assert [r.split('data-version="')[1].split('"')[0] for r in rows] == ["2", "1"]
    assert "Dave 刘洋" in rows[0] and "purchase_approval_v1.bpmn" in rows[1]
    assert login("alice").get("/designer/purchase_approval/history").status_code == 403
    assert dave.get("/designer/no_such_process/history").status_code == 404


def test_diff_page_lists_elements_and_properties_and_the_xml(login) -> None:
    dave = login("dave")
    _deploy_v2(dave)
    html = dave.get("/designer/purchase_approval/diff?from=1&to=2").get_data(as_text=True)
    assert 'data-testid="diff-added" data-element="Task_notify"' in html
    assert 'data-testid="diff-removed" data-element="Task_record_rejection"' in html
    changed = html.split('data-testid="diff-changed" data-element="Task_manager_approval"')[1].split("</tr>")[0]
    assert "property due_in" in changed and "P2D" in changed and "P1D" in changed
    assert 'data-added="Flow_notified Task_notify"' in html
    assert 'data-removed="Flow_to_rejected Task_record_rejection"' in html
    assert "+++ v2" in html
    assert dave.get("/designer/purchase_approval/diff?from=1&to=9").status_code == 404
    response = dave.get("/designer/purchase_approval/diff?from=x&to=2")
    assert response.status_code == 400 and "from" in response.get_data(as_text=True)
    assert V1.count("Task_record_rejection") > 1
