"""Every flow starts from New request (新建申请), not only purchasing; releasing a claimed task is not worded
like returning the request to its requester."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import signed_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
WORDS = {"zh-CN": {"new": "新建申请", "purchase": "采购审批", "expense": "费用报销", "sales": "销售订单处理",
                   "release": "放回组内", "return": "退回申请人修改"},
         "en-US": {"new": "New request", "purchase": "Purchase approval", "expense": "Expense reimbursement",
                   "sales": "Sales order handling", "release": "Release", "return": "Return to requester"}}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_flow_starts_from_new_request(new_page: NewPage, locale: str) -> None:
    words = WORDS[locale]
    page = signed_in(new_page, "frank", locale)  # sales: he may file purchases and expenses, and enter sales orders
    expect(page.get_by_test_id("nav-new")).to_have_text(words["new"])
    page.get_by_test_id("nav-new").click()
    tabs = page.get_by_test_id("start-tabs")
    expect(tabs.get_by_test_id("start-tab-purchase_approval")).to_have_text(words["purchase"])
    expect(tabs.get_by_test_id("start-tab-purchase_approval")).to_have_class(re.compile(r"\bactive\b"))
    assert tabs.locator("a").count() >= 3
    tabs.get_by_test_id("start-tab-expense_reimbursement").click()
    expect(page.get_by_test_id("start-form")).to_be_visible()
    expect(page.get_by_test_id("nav-new")).to_have_class(re.compile(r"\bactive\b"))  # still under New request
    page.get_by_test_id("start-tabs").get_by_test_id("start-tab-order_handling").click()
    expect(page.get_by_test_id("order-form")).to_be_visible()
    expect(page.get_by_test_id("start-tabs").get_by_test_id("start-tab-order_handling")).to_have_text(words["sales"])


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_releasing_a_task_is_not_worded_as_returning_it(new_page: NewPage, locale: str) -> None:
    words = WORDS[locale]
    page = signed_in(new_page, "bob", locale)
    page.get_by_test_id("tab-group").click()
    page.get_by_test_id("task-row").first.locator("a.row-title").click()
    page.get_by_test_id("claim").click()
    expect(page.get_by_test_id("unclaim")).to_contain_text(words["release"])
    expect(page.get_by_test_id("unclaim")).not_to_contain_text("退回")
    expect(page.get_by_test_id("decision")).to_contain_text(words["return"])
    page.get_by_test_id("unclaim").click()
    page.goto("/inbox?tab=group")
    expect(page.get_by_test_id("task-row").first).not_to_contain_text("退回")
