"""A purchase request end to end in a real browser: submit, approve, see the outcome."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
CAMERA_LINES = [("Conference camera", "4", "1600"), ("Wall mount", "4", "120"), ("USB extension cable", "4", "45"),
                ("Speakerphone", "2", "900")]


def sign_out(page: Page) -> None:
    page.locator("header form[action$='/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_request_approved_by_the_manager(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "alice")
    page.get_by_test_id("nav-new").click()
    page.locator("#f-supplier").fill("Logitech")
    for number, (item, quantity, price) in enumerate(CAMERA_LINES, start=1):
        if number == 4:
            expect(page.get_by_test_id("line")).to_have_count(3)
            page.get_by_test_id("add-line-lines").click()  # three empty lines are offered; she needs a fourth
            expect(page.locator("#f-lines-4-item_code")).to_be_focused()
        page.locator(f"#f-lines-{number}-item").fill(item)
        page.locator(f"#f-lines-{number}-quantity").fill(quantity)
        page.locator(f"#f-lines-{number}-unit_price").fill(price)
    page.locator("#f-reason").fill("Meeting rooms on floor 3")
    expect(page.get_by_test_id("amount")).to_have_text(re.compile(r"8,860\.00"))  # computed as she types
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    expect(page.locator(".flash")).to_contain_text("submitted for approval")
    request_url = page.url
    sign_out(page)

    sign_in(page, "bob")
    page.get_by_test_id("tab-group").click()
    page.get_by_test_id("task-row").filter(has_text="Conference camera").locator("a.row-title").click()
    expect(page.get_by_test_id("facts")).to_contain_text("CN¥8,860.00")
    expect(page.get_by_test_id("facts")).to_contain_text("Alice 王丽")
    expect(page.get_by_test_id("lines-view").locator("tbody tr")).to_have_count(4)
    page.locator("#f-comment").fill("Fits the Q3 budget")
    page.get_by_test_id("decide-approve").click()
    expect(page.locator(".flash")).to_contain_text("Approved: Conference camera")
    sign_out(page)

    sign_in(page, "alice")
    page.goto(request_url)
    expect(page.get_by_test_id("outcome")).to_contain_text("Approved")
    expect(page.get_by_test_id("po-number")).to_contain_text("PO-")
    number = page.get_by_test_id("po-number").inner_text().strip()
    approval = page.get_by_test_id("history").locator("li[data-kind=task_completed]")
    expect(approval).to_contain_text("Bob 张伟")
    expect(approval).to_contain_text("Fits the Q3 budget")
    # the diagram is drawn from the instance's own BPMN, the approval step marked done
    expect(page.get_by_test_id("diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('#diagram [data-element-id="Task_manager_approval"].opsflow-done')).to_have_count(1)
    expect(page.locator('#diagram [data-element-id="Task_finance_approval"].opsflow-done')).to_have_count(0)

    page.goto("/procurement/purchase_orders?q=Logitech")
    page.get_by_test_id("record-row").get_by_role("link", name=number).click()
    lines = page.get_by_test_id("related-lines")
    expect(lines.get_by_test_id("related-row")).to_have_count(4)
    expect(lines.get_by_test_id("related-row").nth(3)).to_contain_text("Speakerphone")
    expect(page.get_by_test_id("facts")).to_contain_text("8,860.00")


def test_field_errors_in_chinese_on_a_phone(new_page: NewPage) -> None:
    page = new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    sign_in(page, "alice")
    expect(page.get_by_test_id("nav-inbox")).to_contain_text("待办")
    page.get_by_test_id("nav-new").click()
    page.locator("#f-lines-1-item").fill("显示器")
    page.locator("#f-lines-1-quantity").fill("0")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-lines-1-quantity")).to_have_text("不能小于 1。")
    expect(page.get_by_test_id("error-lines-1-unit_price")).to_have_text("此项为必填项。")
    expect(page.get_by_test_id("error-supplier")).to_have_text("此项为必填项。")
    expect(page.locator("#f-lines-1-item")).to_have_value("显示器")


def test_a_returned_request_is_revised_line_by_line(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "frank")  # the demo's request for monitors came back from his manager
    page.get_by_test_id("task-row").filter(has_text="显示器支架").locator("a.row-title").click()
    expect(page.get_by_test_id("earlier-approvals")).to_contain_text("支架请选可升降型号")
    page.locator("#f-supplier").fill("Dell China")
    for number, (code, item, quantity, price) in enumerate([("MON-27", "27英寸显示器", "4", "1200"),
                                                            ("", "升降显示器支架", "4", "380")], start=1):
        page.locator(f"#f-lines-{number}-item_code").fill(code)
        page.locator(f"#f-lines-{number}-item").fill(item)
        page.locator(f"#f-lines-{number}-quantity").fill(quantity)
        page.locator(f"#f-lines-{number}-unit_price").fill(price)
    page.locator("#f-reason").fill("改为可升降支架")
    page.get_by_test_id("complete").click()
    expect(page.locator(".flash")).to_contain_text("Resubmitted for approval")

    sign_out(page)
    sign_in(page, "erin")
    page.get_by_test_id("tab-group").click()
    page.get_by_test_id("task-row").filter(has_text="升降显示器支架").locator("a.row-title").click()
    expect(page.get_by_test_id("facts")).to_contain_text("CN¥6,320.00")
    expect(page.get_by_test_id("lines-view").locator("tbody tr")).to_have_count(2)
