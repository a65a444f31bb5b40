"""A designer gives a task a new Chinese name and deploys: a new request reads it in Chinese, English readers keep
the English name. A request that cannot move to a newer version is told why in Chinese, its step named in Chinese."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_steps import sign_in, signed_in
from flask import Flask
from playwright.sync_api import Page, expect

from engine import Bundle, SourceFile
from tests.engine.test_migration import v2_without_revision
from webui.demo_people import demo_actor
from webui.extensions import workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
PURCHASE = Path(__file__).resolve().parents[2] / "processes" / "purchase_approval" / "purchase_approval.bpmn"
NEW_NAME = "经理初审"


def _request(item: str) -> dict:
    return {"supplier": "Dell China", "reason": "team growth", "department": "IT",
            "lines": [{"item": item, "quantity": 1, "unit_price": 3000.0}]}


def test_the_designer_edits_the_chinese_name_and_a_new_request_shows_it(new_page: NewPage,
                                                                         served_app: tuple[str, Flask]) -> None:
    page = new_page()
    sign_in(page, "dave")
    page.goto("/designer/purchase_approval")
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    page.locator('g[data-element-id="Task_manager_approval"]').click()
    panel = page.get_by_test_id("designer-panel")
    expect(panel.locator('[data-field="name_zh_CN"]')).to_have_value("部门经理审批")
    panel.locator('[data-field="name_zh_CN"]').fill(NEW_NAME)
    panel.locator('[data-field="name"]').click()  # leaving the field applies it
    page.get_by_test_id("designer-check").click()
    expect(page.get_by_test_id("designer-status")).to_have_text("No problems found.")
    page.get_by_test_id("designer-deploy").click()
    expect(page.get_by_test_id("designer-status")).to_have_text(re.compile(r"Deployed as version \d+\."))

    with served_app[1].app_context():
        new = workflow_engine().start("purchase_approval", _request("Renamed-in-Chinese laptop"),
                                      demo_actor("alice")).id
    zh = signed_in(new_page, "bob", "zh-CN")
    zh.get_by_test_id("tab-group").click()
    expect(zh.get_by_test_id("task-row").filter(has_text=f"#{new}")).to_contain_text(NEW_NAME)
    zh.goto(f"/instances/{new}")
    expect(zh.get_by_test_id("step-row").filter(has_text=NEW_NAME)).to_have_count(1)
    en = signed_in(new_page, "bob", "en-US")
    en.get_by_test_id("tab-group").click()
    expect(en.get_by_test_id("task-row").filter(has_text=f"#{new}")).to_contain_text("Department manager approval")


def test_the_migration_dry_run_says_in_chinese_what_blocks_a_request(new_page: NewPage,
                                                                      served_app: tuple[str, Flask]) -> None:
    with served_app[1].app_context():
        engine = workflow_engine()
        returned = engine.start("purchase_approval", _request("Returned laptop"), demo_actor("alice")).id
        [task] = [t for t in engine.get(returned).tasks if t.status == "open"]
        engine.complete(task.id, demo_actor("bob"), {"decision": "return", "comment": "quote please"})
        old = Bundle.from_path(PURCHASE)
        [result] = engine.deploy_bundle(Bundle(SourceFile(PURCHASE.name, v2_without_revision().encode()),
                                               old.dmn, old.forms), "dave")
    page = signed_in(new_page, "dave", "zh-CN")
    page.goto("/designer/purchase_approval/migrate")
    row = page.locator(f'[data-testid=migration-row][data-instance="{returned}"]')
    expect(row).to_have_attribute("data-movable", "no")
    expect(row.locator("td").nth(3)).to_have_text("修改申请")  # the step it is on
    expect(row.get_by_test_id("blocker")).to_have_text(f"其当前步骤“修改申请”在 v{result.version} 中不存在。")
