"""The bottleneck heatmap, its drill-down and the version comparison, for managers only."""
from __future__ import annotations


def test_heatmap_drill_down_and_compare(login) -> None:
    bob = login("bob")
    html = bob.get("/monitor/heatmap?process=purchase_approval&days=30").get_data(as_text=True)
    assert 'data-testid="heatmap"' in html and "/monitor/heatmap/purchase_approval/v1.bpmn" in html
    row = html.split('data-testid="heat-row" data-step="Task_manager_approval"')[1].split("</tr>")[0]
    link = row.split('data-href="')[1].split('"')[0].replace("&amp;", "&")
    assert bob.get("/monitor/heatmap/purchase_approval/v1.bpmn").data.startswith(b"<?xml")
    drill = bob.get(link).get_data(as_text=True)
    assert 'data-testid="step-instance"' in drill and "/instances/" in drill
    html = bob.get("/monitor/heatmap?process=purchase_approval&days=30&version=1&department=IT").get_data(
        as_text=True)
    assert 'data-step="Task_manager_approval"' in html
    assert bob.get("/monitor/heatmap?process=purchase_approval&version=7").status_code == 400
    assert bob.get("/monitor/heatmap?process=purchase_approval&department=Nowhere").status_code == 400
    compare = bob.get("/monitor/compare?process=purchase_approval&days=365&a=1&b=1").get_data(as_text=True)
    assert 'data-testid="kpi-cycle-p50"' in compare and 'data-step="Task_manager_approval"' in compare
    assert login("alice").get("/monitor/heatmap").status_code == 403
    assert login("alice").get("/monitor/compare").status_code == 403
