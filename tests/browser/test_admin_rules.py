"""The administrator sets when the demo rule set runs and writes its rules in the browser, is told what is
wrong, publishes them, backtests them, adds a rule set, and finds the incidents page."""
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


def test_admin_schedules_drafts_publishes_and_backtests_a_rule_set(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-rules").click()
    expect(page.get_by_test_id("rule-set")).to_have_count(1)  # the demo's, for purchase approval
    expect(page.get_by_test_id("rule-set-schedule")).to_have_text("* * * * *")
    expect(page.get_by_test_id("rule-set-next-run")).not_to_be_empty()
    page.get_by_role("link", name="Purchases under ¥5,000").click()
    expect(page).to_have_url(re.compile(r"/admin/rules/\d+$"))

    page.get_by_test_id("schedule").fill("0 9 * * 9")
    page.get_by_test_id("save-schedule").click()
    expect(page.get_by_test_id("problems")).to_contain_text("schedule: day of week '9'")
    expect(page.get_by_test_id("schedule")).to_have_value("0 9 * * 9")
    page.get_by_test_id("schedule").fill("0 9 * * 1-5")
    page.get_by_test_id("save-schedule").click()
    expect(page.locator(".flash")).to_contain_text("Schedule saved")
    expect(page.get_by_test_id("next-run")).to_contain_text("09:00")  # shown in the business time zone
    expect(page.get_by_test_id("rule-audit")).to_contain_text("schedule_changed")

    page.get_by_test_id("rules-json").fill('[{"name": "x", "decision": "approve", "when": []}]')
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("problems")).to_contain_text("rules[0].when: must be a non-empty list")

    page.get_by_test_id("rules-json").fill(json.dumps(RULES))
    page.get_by_test_id("save-draft").click()
    expect(page.locator(".flash")).to_contain_text("Draft saved")
    page.get_by_test_id("publish").click()
    expect(page.locator(".flash")).to_contain_text("Version 2 published")
    expect(page.get_by_test_id("rule-audit")).to_contain_text("published v2")

    page.locator("#days").fill("30")
    page.get_by_test_id("backtest-form").locator("button").click()
    expect(page.get_by_test_id("bt-total")).to_have_text(re.compile(r"^\d+$"))  # the demo's decided requests
    expect(page.get_by_test_id("bt-auto")).to_contain_text(re.compile(r"^\d+ \("))

    page.goto("/admin/rules")
    page.locator("#rs-name").fill("Expense claims")
    page.locator("#rs-process").select_option("expense_reimbursement")
    page.locator("#rs-task").fill("Task_manager_approval")
    page.get_by_test_id("new-rule-set").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/rules/\d+$"))
    expect(page.get_by_test_id("schedule")).to_have_value("* * * * *")

    page.goto("/admin/rules")
    page.get_by_test_id("tab-incidents").click()
    expect(page.get_by_test_id("no-job-incidents")).to_be_visible()


def test_a_requester_cannot_open_the_admin_pages(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "alice")
    expect(page.get_by_test_id("nav-admin")).to_have_count(0)
    response = page.goto("/admin/rules")
    assert response is not None and response.status == 403
