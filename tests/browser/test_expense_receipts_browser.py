"""An expense claim with its receipt in a real browser: the employee attaches it, the manager opens it."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect

from webui.demo_receipts import receipt_pdf

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def fill_claim(page: Page) -> None:
    page.goto("/finance/expenses/new")
    page.locator("input[name=category][value=meals]").check()
    page.locator("#f-amount").fill("388")
    page.locator("#f-expense_date").fill("2026-11-24")
    page.locator("#f-description").fill("Dinner with 杭州云帆科技")


def test_a_claim_with_its_receipt_reaches_the_manager(new_page: NewPage, tmp_path: Path) -> None:
    receipt = tmp_path / "fapiao-20261124.pdf"
    receipt.write_bytes(receipt_pdf("20261124", 388, "Yunfan Restaurant"))
    page = new_page()
    sign_in(page, "frank")
    fill_claim(page)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-receipts")).to_have_text("Attach at least one file.")
    expect(page.locator("#f-description")).to_have_value("Dinner with 杭州云帆科技")
    page.get_by_test_id("files-receipts").set_input_files(str(receipt))
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    expect(page.get_by_test_id("attachment")).to_contain_text("fapiao-20261124.pdf")
    download_path = page.get_by_test_id("attachment").locator("a").get_attribute("href")

    manager = new_page()
    sign_in(manager, "erin")
    manager.get_by_test_id("tab-group").click()
    manager.get_by_test_id("task-row").filter(has_text="388").locator("a.row-title").click()
    expect(manager.get_by_test_id("facts")).to_contain_text("fapiao-20261124.pdf")
    with manager.expect_download() as download:
        manager.get_by_test_id("attachment").locator("a", has_text="fapiao-20261124.pdf").click()
    assert download.value.suggested_filename == "fapiao-20261124.pdf"
    assert Path(download.value.path()).read_bytes() == receipt.read_bytes()
    manager.get_by_test_id("decide-approve").click()
    expect(manager.locator(".flash")).to_contain_text("Approved")

    outsider = new_page()
    sign_in(outsider, "alice")  # IT: neither her claim nor her queue
    assert outsider.request.get(download_path).status == 403
