"""One time zone, one format per language: the moment a request was approved reads the same on the instance page,
the purchase-order and payment-request lists; a rule set's effective date is entered on the same clock."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from browser_steps import sign_in, signed_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from engine import utcnow

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
SHANGHAI = timedelta(hours=8)  # the default OPSFLOW_TIMEZONE, Asia/Shanghai, has no daylight saving
FORMATS = {"zh-CN": (r"(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{2}):(\d{2})", "%Y年%m月%d日 %H:%M"),
           "en-US": (r"(\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2})", "%d %b %Y, %H:%M")}


def _read(text: str, locale: str) -> datetime:
    pattern, fmt = FORMATS[locale]
    match = re.search(pattern, text)
    assert match, f"no time written as {fmt} in {text!r}"
    if locale == "zh-CN":
        return datetime(*map(int, match.groups()))  # type: ignore[arg-type]
    return datetime.strptime(match.group(1), fmt)


def _submit_and_approve(new_page: NewPage, locale: str, supplier: str) -> tuple[Page, datetime, datetime]:
    page = signed_in(new_page, "alice", locale)
    page.get_by_test_id("nav-new").click()
    page.locator("#f-supplier").fill(supplier)
    page.locator("#f-lines-1-item").fill("Label printer")
    page.locator("#f-lines-1-quantity").fill("3")
    page.locator("#f-lines-1-unit_price").fill("2400")
    page.locator("#f-reason").fill("Warehouse labels")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    request_url = page.url
    page.locator("header form[action$='/logout'] button").click()
    sign_in(page, "bob")
    page.get_by_test_id("tab-group").click()
    page.get_by_test_id("task-row").filter(has_text=supplier).locator("a.row-title").click()
    before = utcnow()
    page.get_by_test_id("decide-approve").click()
    expect(page.locator(".flash")).to_be_visible()
    after = utcnow()
    page.goto(request_url)
    return page, before, after


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_moment_reads_the_same_on_every_screen(new_page: NewPage, locale: str) -> None:
    supplier = f"Zebra {locale}"
    page, before, after = _submit_and_approve(new_page, locale, supplier)
    earliest = (before + SHANGHAI).replace(second=0, microsecond=0)
    latest = after + SHANGHAI
    approved = _read(page.get_by_test_id("history").locator("li[data-kind=task_completed]").first.inner_text(), locale)
    assert earliest <= approved <= latest, "the instance page shows the approval on OPSFLOW_TIMEZONE's clock"
    for listing in ("/procurement/purchase_orders", "/finance/payments"):
        page.goto(f"{listing}?q={supplier}")
        row = page.get_by_test_id("record-row").first
        assert _read(row.inner_text(), locale) == approved, f"{listing} shows the moment as the instance page does"
        sheet = load_workbook(io.BytesIO(page.request.get(f"{listing}/export.xlsx?q={supplier}").body())).active
        exported = next(v for v in next(sheet.iter_rows(min_row=2, values_only=True)) if isinstance(v, datetime))
        assert exported.replace(second=0, microsecond=0) == approved, f"{listing}'s export is on the same clock"


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_effective_date_is_entered_on_the_local_clock(new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "admin", locale)
    page.goto("/admin/rules")
    page.get_by_test_id("rule-set").first.locator("a.row-title").click()
    page.get_by_test_id("save-draft").click()
    page.get_by_test_id("effective-from").fill("2030-01-01T09:30")
    expect(page.locator("label[for=eff]")).to_contain_text("Asia/Shanghai")
    page.get_by_test_id("publish").click()
    expected = "2030年1月1日 09:30" if locale == "zh-CN" else "1 Jan 2030, 09:30"
    expect(page.get_by_test_id("versions")).to_contain_text(expected)
