"""Moving running requests from the designer: the dry run lists them with what blocks each; the move moves the
movable ones and says so."""
from __future__ import annotations

from tests.engine.test_migration import v2_without_revision


def test_dry_run_then_move_from_the_designer(login, engine) -> None:
    dave = login("dave")
    response = dave.post("/designer/purchase_approval/deploy", json={"xml": v2_without_revision(), "version": 1})
    assert response.status_code == 201, response.get_json()
    html = dave.get("/designer/purchase_approval/migrate").get_data(as_text=True)
    rows = html.split('data-testid="migration-row"')[1:]
    assert rows, "the demo company has requests running on v1"
    movable = [r for r in rows if 'data-movable="yes"' in r]
    assert movable and "Move the movable ones to v2" in html
    ids = [int(r.split('data-instance="')[1].split('"')[0]) for r in movable]
    assert all(engine.get(i).version == 1 for i in ids)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    html = dave.post("/designer/purchase_approval/migrate", data={"to": 2, "csrf_token": token}).get_data(as_text=True)
    assert f"{len(ids)} moved to v2." in html
    assert all(engine.get(i).version == 2 for i in ids)
    assert any(e.kind == "instance_migrated" for e in engine.get(ids[0]).history)
    page = login("admin").get(f"/instances/{ids[0]}").get_data(as_text=True)
    assert "Moved to a newer version" in page
    assert login("alice").get("/designer/purchase_approval/migrate").status_code == 403
