"""A purchase request end to end in a real browser: submit, approve, see the outcome."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def sign_out(page: Page) -> None:
    page.locator("header form[action$='/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_request_approved_by_the_manager(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "alice")
    page.get_by_test_id("nav-new").click()
    page.locator("#f-item").fill("Conference camera")
    page.locator("#f-supplier").fill("Logitech")
    page.locator("#f-quantity").fill("4")
    page.locator("#f-unit_price").fill("1600")
    page.locator("#f-reason").fill("Meeting rooms on floor 3")
    expect(page.get_by_test_id("amount")).to_have_text(re.compile(r"6,400\.00"))  # computed as she types
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    expect(page.locator(".flash")).to_contain_text("submitted for approval")
    request_url = page.url
    sign_out(page)

    sign_in(page, "bob")
    page.get_by_test_id("tab-group").click()
    page.get_by_test_id("task-row").filter(has_text="Conference camera").locator("a.row-title").click()
    expect(page.get_by_test_id("facts")).to_contain_text("CN¥6,400.00")
    expect(page.get_by_test_id("facts")).to_contain_text("Alice 王丽")
    page.locator("#f-comment").fill("Fits the Q3 budget")
    page.get_by_test_id("decide-approve").click()
    expect(page.locator(".flash")).to_contain_text("Approved: Conference camera")
    sign_out(page)

    sign_in(page, "alice")
    page.goto(request_url)
    expect(page.get_by_test_id("outcome")).to_contain_text("Approved")
    expect(page.get_by_test_id("po-number")).to_contain_text("PO-")
    approval = page.get_by_test_id("history").locator("li[data-kind=task_completed]")
    expect(approval).to_contain_text("Bob 张伟")
    expect(approval).to_contain_text("Fits the Q3 budget")
    # the diagram is drawn from the instance's own BPMN, the approval step marked done
    expect(page.get_by_test_id("diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('#diagram [data-element-id="Task_manager_approval"].opsflow-done')).to_have_count(1)
    expect(page.locator('#diagram [data-element-id="Task_finance_approval"].opsflow-done')).to_have_count(0)


def test_field_errors_in_chinese_on_a_phone(new_page: NewPage) -> None:
    page = new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    sign_in(page, "alice")
    expect(page.get_by_test_id("nav-inbox")).to_contain_text("待办")
    page.get_by_test_id("nav-new").click()
    page.locator("#f-item").fill("显示器")
    page.locator("#f-quantity").fill("0")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-quantity")).to_have_text("不能小于 1。")
    expect(page.get_by_test_id("error-supplier")).to_have_text("此项为必填项。")
    expect(page.locator("#f-item")).to_have_value("显示器")
