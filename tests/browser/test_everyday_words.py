"""No raw internals: decisions, the rules' approver and reasoning, failed steps, groups and lanes read as words,
in Chinese and English, where a requester, an approver and an administrator look."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from broken_flow import broken_flow
from browser_steps import signed_in
from flask import Flask
from playwright.sync_api import Page, expect

from engine import utcnow
from webui.demo_people import demo_actor
from webui.extensions import workflow_engine
from webui.scheduler import scheduler_of

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
LOCALES = ["zh-CN", "en-US"]
WORDS = {
    "zh-CN": {"returned": "退回修改", "approver": "自动审批人（规则集“Purchases under ¥5,000”）",
              "reason": "由规则“small, from a trusted supplier”自动批准："
                        "金额在自动审批限额内，供应商评级为 5，申请人已转正。",
              "failed": "有步骤执行失败", "group": "部门经理", "manager_lane": "部门经理"},
    "en-US": {"returned": "Returned for revision", "approver": "Automatic approver (rule set “Purchases under ¥5,000”)",
              "reason": "Approved automatically by the rule “small, from a trusted supplier”: the amount is within "
                        "the limit for automatic approval, the supplier's rating is 5, the requester has passed "
                        "probation.",
              "failed": "A step failed", "group": "Department managers",
              "manager_lane": "Department managers"},
}


@pytest.fixture(scope="module")
def made(served_app: tuple[str, Flask], tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """A small request the demo rule set approves on its next run, and a request whose script fails."""
    _, app = served_app
    with app.app_context():
        engine = workflow_engine()
        small = engine.start("purchase_approval", {"item": "USB-C 扩展坞", "supplier": "联想 Lenovo", "quantity": 2,
                                                   "unit_price": 450.0, "reason": "new desk", "department": "IT"},
                             demo_actor("alice")).id
        folder = tmp_path_factory.mktemp("bonus")
        (folder / "bonus.bpmn").write_text(broken_flow("bonus_flow", "Activity_12e329a", "Compute bonus"))
        engine.deploy_path(Path(folder))
        broken = engine.start("bonus_flow", {"divisor": 0}, demo_actor("alice")).id
    scheduler = scheduler_of(app)
    scheduler.clock = lambda: utcnow() + timedelta(minutes=1)  # the demo rule set's next run has come
    assert scheduler.poll().auto_approved == 1
    return {"small": small, "broken": broken}


def _as_alice(new_page: NewPage, locale: str, instance_id: int) -> Page:
    page = signed_in(new_page, "alice", locale)
    page.goto(f"/instances/{instance_id}")
    return page


@pytest.mark.parametrize("locale", LOCALES)
def test_a_rule_decision_reads_as_a_named_approver_and_a_sentence(new_page: NewPage, made: dict[str, int],
                                                                   locale: str) -> None:
    page = _as_alice(new_page, locale, made["small"])
    decision = page.get_by_test_id("history").locator("li[data-kind=task_completed]")
    expect(decision).to_contain_text(WORDS[locale]["approver"])
    expect(decision).to_contain_text(WORDS[locale]["reason"])
    expect(decision).not_to_contain_text("system")
    expect(page.get_by_test_id("step-row").first).not_to_contain_text("system")
    expect(page.locator("main")).not_to_contain_text(re.compile(r"==|True|auto_approval_eligible"))


@pytest.mark.parametrize("locale", LOCALES)
def test_a_returned_request_says_so_in_words(new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "frank", locale)  # the demo's request for monitors came back from his manager
    page.get_by_test_id("task-row").filter(has_text="显示器支架").locator("a.row-title").click()
    expect(page.get_by_test_id("earlier-approvals")).to_contain_text(WORDS[locale]["returned"])
    page.goto("/notifications")
    expect(page.locator("main")).to_contain_text(WORDS[locale]["returned"])
    expect(page.locator("main")).not_to_contain_text(re.compile(r"[:：] ?return\b"))


@pytest.mark.parametrize("locale", LOCALES)
def test_a_failed_step_is_named_and_the_requester_sees_no_exception(new_page: NewPage, made: dict[str, int],
                                                                     locale: str) -> None:
    page = _as_alice(new_page, locale, made["broken"])
    expect(page.get_by_test_id("outcome").locator("h2")).to_contain_text(WORDS[locale]["failed"])
    expect(page.get_by_test_id("outcome").locator("h2")).to_contain_text("Compute bonus")
    expect(page.locator("main")).not_to_contain_text("ZeroDivisionError")
    expect(page.locator("main")).not_to_contain_text("Activity_12e329a")

    admin = signed_in(new_page, "admin", locale)
    admin.goto("/admin/incidents")
    row = admin.get_by_test_id("instance-incident").filter(has_text=f"#{made['broken']}")
    expect(row).to_contain_text("Compute bonus")
    expect(row).not_to_contain_text("Activity_12e329a")
    expect(row).to_contain_text("ZeroDivisionError")  # the administrator sees the cause


@pytest.mark.parametrize("locale", LOCALES)
def test_groups_and_lanes_read_by_their_names(new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "bob", locale)
    page.goto("/monitor/")
    expect(page.get_by_test_id("workload")).not_to_contain_text(re.compile(r"Sales-managers|finance-clerks"))
    page.goto("/instances/3")  # the demo request waiting for the finance director
    expect(page.get_by_test_id("diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('#diagram [data-element-id="Lane_manager"]')).to_contain_text(WORDS[locale]["manager_lane"])
    expect(page.locator("#diagram")).not_to_contain_text("department-managers")
