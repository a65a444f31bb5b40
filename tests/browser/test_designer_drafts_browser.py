"""A process designer renames a step in the diagram, moves a threshold in the decision table the flow calls, and
deploys once: the new version has both changes. Going from the diagram to the table and back loses nothing that
was not deployed yet, and the deploy can be made from either page."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import sign_in
from flask import Flask
from lxml import etree
from playwright.sync_api import Locator, Page, expect

from webui.extensions import workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"
KEPT = "The changes to the diagram not yet deployed are kept"
BACK = "Your changes not yet deployed are back"


def _retype(page: Page, cell: Locator, text: str) -> None:
    cell.click()
    cell.get_by_role("textbox").fill(text)
    page.keyboard.press("Tab")
    expect(cell).to_have_text(text)


def _latest(app: Flask) -> int:
    with app.app_context():
        return max(p.version for p in workflow_engine().processes() if p.key == "purchase_approval")


def _rename_the_manager_step(page: Page, name: str) -> None:
    page.goto("/designer/purchase_approval")
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    page.locator('g[data-element-id="Task_manager_approval"]').click()
    panel = page.get_by_test_id("designer-panel")
    panel.locator('[data-field="name"]').fill(name)
    panel.locator('[data-field="due_in"]').click()  # leaving the field applies it
    expect(page.locator('g[data-element-id="Task_manager_approval"]')).to_contain_text(name.split()[0])


def _move_the_threshold_in_the_table(page: Page, limit: str) -> None:
    page.get_by_test_id("designer-decision-approval_level").click()
    table = page.get_by_test_id("decision-table")
    expect(table).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("designer-status")).to_contain_text(KEPT)
    _retype(page, table.locator('[data-element-id="Entry_manager"]'), f"5000 <= ? <= {limit}")
    _retype(page, table.locator('[data-element-id="Entry_finance"]'), f"> {limit}")


def _back_to_the_diagram_finds_the_rename(page: Page, name: str) -> None:
    page.get_by_test_id("decision-back").click()
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("designer-status")).to_contain_text(BACK)
    expect(page.get_by_test_id("designer-discard")).to_be_visible()
    page.locator('g[data-element-id="Task_manager_approval"]').click()
    expect(page.get_by_test_id("designer-panel").locator('[data-field="name"]')).to_have_value(name)


def _deployed(page: Page, version: int) -> tuple[str, list[str]]:
    """The manager step's name in that version's diagram, and the amount tests of its decision table."""
    diagram = etree.fromstring(page.request.get(f"/designer/purchase_approval/v{version}.bpmn").body())
    step = diagram.find(f".//{BPMN}userTask[@id='Task_manager_approval']").get("name")
    table = etree.fromstring(page.request.get(f"/designer/purchase_approval/v{version}/decisions/0.dmn").body())
    return step, [e.findtext(f"{DMN}text") for e in table.iter(f"{DMN}inputEntry")]


def test_a_rename_and_a_threshold_deploy_from_the_table_as_one_version(new_page: NewPage,
                                                                       served_app: tuple[str, Flask]) -> None:
    before = _latest(served_app[1])
    page = new_page()
    sign_in(page, "dave")
    _rename_the_manager_step(page, "Head of department approval")
    _move_the_threshold_in_the_table(page, "20000")
    _back_to_the_diagram_finds_the_rename(page, "Head of department approval")

    page.get_by_test_id("designer-decision-approval_level").click()  # and to the table again: its edit is kept
    table = page.get_by_test_id("decision-table")
    expect(table).to_have_attribute("data-ready", "true")
    expect(table.locator('[data-element-id="Entry_finance"]')).to_have_text("> 20000")
    page.get_by_test_id("designer-deploy").click()
    expect(page.get_by_test_id("designer-status")).to_have_text(f"Deployed as version {before + 1}.")
    assert _latest(served_app[1]) == before + 1  # one deploy, one version

    step, tests = _deployed(page, before + 1)
    assert step == "Head of department approval"
    assert "5000 <= ? <= 20000" in tests and "> 20000" in tests
    page.get_by_test_id("decision-back").click()  # to the version just deployed, nothing left over
    expect(page).to_have_url(f"{served_app[0]}/designer/purchase_approval?version={before + 1}")
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("designer-status")).not_to_contain_text(BACK)
    expect(page.get_by_test_id("designer-discard")).to_be_hidden()


def test_the_diagrams_deploy_sends_the_table_edited_on_the_way(new_page: NewPage,
                                                              served_app: tuple[str, Flask]) -> None:
    before = _latest(served_app[1])
    page = new_page()
    sign_in(page, "dave")
    _rename_the_manager_step(page, "Line manager approval")
    _move_the_threshold_in_the_table(page, "30000")
    _back_to_the_diagram_finds_the_rename(page, "Line manager approval")
    page.get_by_test_id("designer-deploy").click()
    expect(page.get_by_test_id("designer-status")).to_have_text(f"Deployed as version {before + 1}.")
    expect(page).to_have_url(f"{served_app[0]}/designer/purchase_approval?version={before + 1}")
    assert _latest(served_app[1]) == before + 1

    step, tests = _deployed(page, before + 1)
    assert step == "Line manager approval"
    assert "5000 <= ? <= 30000" in tests and "> 30000" in tests
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("designer-discard")).to_be_hidden()
