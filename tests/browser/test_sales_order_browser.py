"""A sales order of several lines in a real browser: add and remove lines, see the total, submit,
then follow the order page and the export's lines sheet."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import sign_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def fill_line(page: Page, row: int, item: str, quantity: str, price: str) -> None:
    line = page.get_by_test_id("line-row").nth(row)
    line.get_by_test_id("line-item_code").fill(item)
    line.get_by_test_id("line-quantity").fill(quantity)
    line.get_by_test_id("line-unit_price").fill(price)


def test_enter_an_order_of_three_lines_and_follow_it(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "frank")
    page.goto("/records")
    page.get_by_test_id("start-order_handling").click()
    page.get_by_test_id("customer").select_option("C003")
    page.get_by_label("Shanghai").check()
    fill_line(page, 0, "LAP-X1", "2", "12800")
    for row, (item, quantity, price) in enumerate((("CHAIR-E", "9", "1"), ("DOCK-U", "3", "599")), start=1):
        page.get_by_test_id("add-line").click()
        fill_line(page, row, item, quantity, price)
    expect(page.get_by_test_id("line-row")).to_have_count(3)
    page.get_by_test_id("line-row").nth(1).get_by_role("button", name="Remove line").click()
    expect(page.get_by_test_id("line-row")).to_have_count(2)
    expect(page.get_by_test_id("order-total")).to_contain_text("27,397.00")
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/sales/orders/item/SO-"))
    expect(page.get_by_test_id("order-line")).to_have_count(2)
    expect(page.locator("[data-testid=order-line][data-item=DOCK-U]")).to_contain_text("3")
    expect(page.locator("[data-step=reserved]")).to_have_attribute("data-testid", "step-done")
    number = page.get_by_test_id("record-title").inner_text().rsplit("· ", 1)[1]

    page.goto(f"/sales/orders?q={number}")
    expect(page.get_by_test_id("record-row")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    with open(download.value.path(), "rb") as fh:
        book = load_workbook(fh)
        lines = list(book["lines"].iter_rows(values_only=True))
    assert [(r[0], r[2], r[3]) for r in lines[1:]] == [(number, "LAP-X1", 2), (number, "DOCK-U", 3)]


def test_a_bad_line_is_marked_in_the_table(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "frank")
    page.goto("/sales/orders/new")
    page.get_by_test_id("customer").select_option("C003")
    page.get_by_label("Shanghai").check()
    fill_line(page, 0, "NO-SUCH", "1", "10")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-1-item_code")).to_have_text("Not found.")
    expect(page.get_by_test_id("line-item_code")).to_have_value("NO-SUCH")
