"""A process designer opens the purchase approval's decision table from the designer, moves the finance
threshold in the dmn-js table editor and deploys: a request started afterwards with an amount between the old
and the new threshold gets the level the new table gives, while a request started before keeps its version."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import sign_in, signed_in
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from webui.demo_people import demo_actor
from webui.extensions import workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def _request(item: str, amount: float) -> dict[str, Any]:
    return {"supplier": "HP China", "reason": "drawings", "department": "IT",
            "lines": [{"item": item, "quantity": 1, "unit_price": amount}]}


def _retype(page: Page, cell: Locator, text: str) -> None:
    """Replace a cell's text the way a user does: click into it, type the new text, leave the cell."""
    cell.click()
    cell.get_by_role("textbox").fill(text)
    page.keyboard.press("Tab")
    expect(cell).to_have_text(text)


def test_designer_moves_a_threshold_in_the_decision_table_and_deploys_it_with_the_process(
        new_page: NewPage, served_app: tuple[str, Flask]) -> None:
    app = served_app[1]
    with app.app_context():
        before = workflow_engine().start("purchase_approval", _request("Plotter before", 30000.0),
                                         demo_actor("alice"))
    assert before.data["approval_level"] == "manager"

    page = new_page()
    sign_in(page, "dave")
    page.goto("/designer/purchase_approval")
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    page.get_by_test_id("designer-decisions").get_by_test_id("designer-decision-approval_level").click()
    table = page.get_by_test_id("decision-table")
    expect(table).to_have_attribute("data-ready", "true")
    expect(table).to_contain_text("5000 <= ? <= 50000")

    _retype(page, table.locator('[data-element-id="Entry_manager"]'), "5000 <= ? <= 20000")
    _retype(page, table.locator('[data-element-id="Entry_finance"]'), "> 20000")
    page.get_by_test_id("designer-check").click()
    expect(page.get_by_test_id("designer-status")).to_have_text("No problems found.")
    page.get_by_test_id("designer-deploy").click()
    expect(page.get_by_test_id("designer-status")).to_contain_text("Deployed as version")
    deployed = int(table.get_attribute("data-deployed") or 0)
    assert deployed == before.version + 1

    with app.app_context():
        engine = workflow_engine()
        after = engine.start("purchase_approval", _request("Plotter after", 30000.0), demo_actor("alice"))
        kept = engine.get(before.id)
    assert (after.version, after.data["approval_level"]) == (deployed, "manager_and_finance")
    assert (kept.version, kept.data["approval_level"]) == (before.version, "manager")


def test_an_error_in_the_table_blocks_the_deploy_and_names_rule_and_column(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "dave")
    page.goto("/designer/purchase_approval")
    page.get_by_test_id("designer-decision-approval_level").click()
    table = page.get_by_test_id("decision-table")
    expect(table).to_have_attribute("data-ready", "true")
    _retype(page, table.locator('[data-element-id="Entry_finance"]'), "> limit")
    page.get_by_test_id("designer-deploy").click()
    expect(page.get_by_test_id("designer-status")).to_have_text("Problems: fix them before deploying.")
    expect(page.get_by_test_id("designer-problems")).to_contain_text("rule 3, input column 1 (Amount) reads 'limit'")


def test_the_decision_table_pages_speak_chinese(new_page: NewPage) -> None:
    page = signed_in(new_page, "dave", "zh-CN")
    page.goto("/designer/purchase_approval")
    expect(page.get_by_test_id("designer-decisions")).to_contain_text("此流程调用的决策表")
    page.get_by_test_id("designer-decision-approval_level").click()
    expect(page.get_by_test_id("decision-table")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("decision-back")).to_have_text("返回流程图")
    page.get_by_test_id("designer-check").click()
    expect(page.get_by_test_id("designer-status")).to_have_text("未发现问题。")
