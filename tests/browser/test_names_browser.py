"""Chinese all the way: the inbox, an instance's steps, history and diagram, and the monitor name each step in
the reader's language, for all seven shipped flows; an error page in Chinese says what happened in Chinese."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_steps import signed_in
from flask import Flask
from playwright.sync_api import Page, expect

from engine import names
from webui.demo_people import demo_actor
from webui.extensions import workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
PROCESSES = Path(__file__).resolve().parents[2] / "processes"
STEP = {"zh-CN": "审核供应商资料", "en-US": "Check supplier documents"}
SUPPLIER = {"code": "S-951", "name": "Names Test Supplier", "category": "raw_materials", "contact": "陈工",
            "phone": "0512-1234", "email": "sales@names.example"}


@pytest.fixture(scope="module")
def onboarding(served_app: tuple[str, Flask]) -> int:
    """A supplier proposed by Ivy: the procurement group has its documents to check."""
    _, app = served_app
    with app.app_context():
        return workflow_engine().start("supplier_onboarding", SUPPLIER, demo_actor("ivy")).id


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_inbox_steps_and_history_name_the_step_in_the_readers_language(new_page: NewPage, onboarding: int,
                                                                     locale: str) -> None:
    page = signed_in(new_page, "henry", locale)
    page.get_by_test_id("tab-group").click()
    row = page.get_by_test_id("task-row").filter(has_text=f"#{onboarding}")
    expect(row).to_contain_text(STEP[locale])
    other = STEP["en-US" if locale == "zh-CN" else "zh-CN"]
    expect(row).not_to_contain_text(other)

    page = signed_in(new_page, "ivy", locale)
    page.goto(f"/instances/{onboarding}")
    expect(page.get_by_test_id("step-row").filter(has_text=STEP[locale])).to_have_count(1)
    expect(page.get_by_test_id("history").locator("li[data-kind=task_created]")).to_contain_text(STEP[locale])
    expect(page.locator("main")).not_to_contain_text(other)
    diagram = page.locator("#diagram")
    expect(diagram).to_have_attribute("data-ready", "true")
    if locale == "zh-CN":  # Chinese labels are not broken at spaces, so the label reads as one text
        expect(diagram.locator('g[data-element-id="Task_document_check"]')).to_contain_text(STEP[locale])
        expect(diagram.locator('g[data-element-id="Gateway_documents_label"]')).to_contain_text("资料是否齐全？")


def _names(language: str) -> set[str]:
    found: set[str] = set()
    for bpmn in PROCESSES.glob("*/*.bpmn"):
        found |= set(names.names_in(bpmn.read_text(encoding="utf-8"), language).values())
    return found


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_monitor_lists_every_flows_steps_in_the_readers_language(new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "bob", locale)
    expected = _names("zh_CN" if locale == "zh-CN" else "en")
    seen = 0
    for bpmn in sorted(PROCESSES.glob("*/*.bpmn")):
        page.goto(f"/monitor/?process={bpmn.stem}")
        rows = page.get_by_test_id("steps").get_by_test_id("step-row")
        for text in rows.locator("td:first-child").all_inner_texts():
            assert text.strip() in expected, f"{bpmn.stem}: {text!r} is not a {locale} step name"
            seen += 1
    assert seen >= 7, "the demo company's history reaches the monitor"
    page.goto("/monitor/?process=order_handling")
    if locale == "zh-CN":
        expect(page.locator("main")).not_to_contain_text("Confirm customer payment")
        page.goto("/monitor/heatmap?process=purchase_approval")
        heatmap = page.locator("#heatmap")
        expect(heatmap).to_have_attribute("data-ready", "true")
        expect(heatmap.locator('g[data-element-id="Task_manager_approval"]')).to_contain_text("部门经理审批")
        expect(page.get_by_test_id("heat-row").first).not_to_contain_text(re.compile("[A-Za-z]{4}"))


def test_a_missing_page_in_chinese_says_so_in_chinese(new_page: NewPage) -> None:
    page = signed_in(new_page, "alice", "zh-CN")
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.locator("main h1")).to_have_text("404 · 未找到")
    expect(page.locator("main")).to_contain_text("此页面不存在，链接可能已过期。")
    expect(page.locator("main")).not_to_contain_text("The requested URL")
