"""A small request says it may be approved automatically, and by which rule: on the form as the amount is typed,
and on the request while it waits, instead of naming only the department manager."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import signed_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
WORDS = {"zh-CN": {"hint": "金额低于 ¥5,000.00 时，此申请可能由规则“small, from a trusted supplier”",
                   "level": "可自动审批，否则由部门经理审批", "note": "由规则“small, from a trusted supplier”自动批准"},
         "en-US": {"hint": "Under CN¥5,000.00 this request may be approved automatically by the rule "
                           "“small, from a trusted supplier”",
                   "level": "Automatic approval possible, otherwise the department manager",
                   "note": "may be approved automatically by the rule “small, from a trusted supplier”"}}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_small_request_says_which_rule_may_approve_it(new_page: NewPage, locale: str) -> None:
    words = WORDS[locale]
    page = signed_in(new_page, "alice", locale)
    page.get_by_test_id("nav-new").click()
    hint = page.get_by_test_id("auto-hint")
    expect(hint).to_be_hidden()
    page.locator("#f-supplier").fill("联想 Lenovo")
    page.locator("#f-lines-1-item").fill("USB-C dock")
    page.locator("#f-lines-1-quantity").fill("2")
    page.locator("#f-lines-1-unit_price").fill("4500")
    expect(hint).to_be_hidden()  # ¥9,000: the manager decides
    page.locator("#f-lines-1-unit_price").fill("450")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text(words["hint"])
    page.locator("#f-reason").fill("new desk")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    expect(page.get_by_test_id("facts").locator("[data-key=approval_level]")).to_contain_text(words["level"])
    expect(page.get_by_test_id("auto-note")).to_contain_text(words["note"])
