"""The designer's decision table endpoints: only designers open and deploy a table, a deploy stores the edited
table with the opened version's diagram as one new version, and the table's problems come back by rule and
column (errors refuse, warnings do not)."""
from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from engine import WorkflowEngine

Login = Callable[..., FlaskClient]
TABLE = "/designer/purchase_approval/v1/decisions/0"


def _table(client: FlaskClient) -> str:
    response = client.get(f"{TABLE}.dmn")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_only_designers_open_and_deploy_a_decision_table(login: Login) -> None:
    alice = login("alice")
    assert alice.get(TABLE).status_code == 403
    assert alice.get(f"{TABLE}.dmn").status_code == 403
    assert alice.post("/designer/purchase_approval/deploy", json={"version": 1, "dmn": {"0": "<x/>"}}).status_code \
        == 403
    dave = login("dave")
    assert 'data-testid="designer-decision-approval_level"' in dave.get("/designer/purchase_approval").get_data(
        as_text=True)
    assert dave.get(TABLE).status_code == 200
    assert dave.get("/designer/purchase_approval/v1/decisions/5").status_code == 404


def test_a_deployed_table_makes_one_new_version_with_the_same_diagram(login: Login, engine: WorkflowEngine) -> None:
    dave = login("dave")
    edited = _table(dave).replace("&gt; 50000", "&gt; 20000").replace("5000 &lt;= ? &lt;= 50000",
                                                                       "5000 &lt;= ? &lt;= 20000")
    response = dave.post("/designer/purchase_approval/deploy", json={"version": 1, "dmn": {"0": edited}})
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["version"], response.get_json()["warnings"]) == (2, [])
    with engine.read() as session:
        v1, v2 = sorted(engine.definitions.versions(session, "purchase_approval"), key=lambda d: d.version)
        assert (v2.bpmn_xml, v2.forms, v2.dmn_xml) == (v1.bpmn_xml, v1.forms, [edited])


def test_table_errors_refuse_the_deploy_and_overlaps_only_warn(login: Login, engine: WorkflowEngine) -> None:
    dave = login("dave")
    table = _table(dave)
    broken = dave.post("/designer/purchase_approval/deploy",
                       json={"version": 1, "dmn": {"0": table.replace("&gt; 50000", "&gt; limit")}})
    assert broken.status_code == 422
    assert any("rule 3, input column 1 (Amount) reads 'limit'" in p["message"] for p in broken.get_json()["problems"])
    overlapping = table.replace("<text>&lt; 5000</text>", "<text>&lt;= 6000</text>")
    checked = dave.post("/designer/purchase_approval/check", json={"version": 1, "dmn": {"0": overlapping}})
    assert checked.get_json()["ok"] is True
    assert [w["element_id"] for w in checked.get_json()["warnings"]] == ["Rule_manager"]
    assert dave.post("/designer/purchase_approval/deploy",
                     json={"version": 1, "dmn": {"0": overlapping}}).status_code == 201
    bad_index = dave.post("/designer/purchase_approval/deploy", json={"version": 1, "dmn": {"3": table}})
    assert bad_index.status_code == 400
    assert "dmn: this version has no decision table 3." in bad_index.get_data(as_text=True)


def test_a_changed_diagram_and_a_changed_table_deploy_as_one_version(login: Login, engine: WorkflowEngine) -> None:
    """What the designer sends after editing the diagram, then the table: both, in one deploy."""
    dave = login("dave")
    diagram = dave.get("/designer/purchase_approval/v1.bpmn").get_data(as_text=True)
    renamed = diagram.replace('name="Department manager approval"', 'name="Head of department approval"')
    assert renamed != diagram
    edited = _table(dave).replace("&gt; 50000", "&gt; 20000").replace("5000 &lt;= ? &lt;= 50000",
                                                                       "5000 &lt;= ? &lt;= 20000")
    response = dave.post("/designer/purchase_approval/deploy",
                         json={"version": 1, "xml": renamed, "dmn": {"0": edited}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2
    with engine.read() as session:
        versions = sorted(engine.definitions.versions(session, "purchase_approval"), key=lambda d: d.version)
        assert [v.version for v in versions] == [1, 2]
        assert (versions[1].bpmn_xml, versions[1].dmn_xml, versions[1].forms) == (renamed, [edited], versions[0].forms)
