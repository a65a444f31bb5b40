"""The administrator writes an automatic-approval rule in the browser, is told what is wrong, publishes it,
backtests it, and finds the incidents page."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
RULES = [{"name": "small", "decision": "approve", "when": [{"fact": "amount", "op": "<", "value": 5000}]}]


def test_admin_drafts_publishes_and_backtests_a_rule_set(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-rules").click()
    expect(page.get_by_test_id("no-rule-sets")).to_be_visible()
    page.locator("#rs-name").fill("Small purchases")
    page.locator("#rs-task").fill("Task_manager_approval")
    page.get_by_test_id("new-rule-set").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/rules/\d+$"))

    page.get_by_test_id("rules-json").fill('[{"name": "x", "decision": "approve", "when": []}]')
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("problems")).to_contain_text("rules[0].when: must be a non-empty list")

    page.get_by_test_id("rules-json").fill(json.dumps(RULES))
    page.get_by_test_id("save-draft").click()
    expect(page.locator(".flash")).to_contain_text("Draft saved")
    page.get_by_test_id("publish").click()
    expect(page.locator(".flash")).to_contain_text("Version 1 published")
    expect(page.get_by_test_id("rule-audit")).to_contain_text("published v1")

    page.locator("#days").fill("30")
    page.get_by_test_id("backtest-form").locator("button").click()
    expect(page.get_by_test_id("bt-total")).to_have_text(re.compile(r"^\d+$"))  # the demo's decided requests
    expect(page.get_by_test_id("bt-auto")).to_contain_text(re.compile(r"^\d+ \("))

    page.goto("/admin/rules")
    page.get_by_test_id("tab-incidents").click()
    expect(page.get_by_test_id("no-job-incidents")).to_be_visible()


def test_a_requester_cannot_open_the_admin_pages(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "alice")
    expect(page.get_by_test_id("nav-admin")).to_have_count(0)
    response = page.goto("/admin/rules")
    assert response is not None and response.status == 403
