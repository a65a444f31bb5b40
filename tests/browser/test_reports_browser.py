"""The Reports page in a real browser, in Chinese: a manager asks for a report, the scheduler builds it,
she downloads it."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from browser_steps import sign_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from engine import JobRunner, utcnow

pytestmark = pytest.mark.browser


def test_a_manager_asks_for_a_report_and_downloads_it_when_built(new_page: Callable[..., Page],
                                                                  live_app: Any) -> None:
    page = new_page(locale="zh-CN")
    sign_in(page, "bob")
    page.get_by_test_id("nav-reports").click()
    expect(page.locator("h1")).to_have_text("报表")
    page.get_by_test_id("report-month").fill("2030-01")
    page.get_by_test_id("request-now").click()
    row = page.get_by_test_id("report").first
    expect(row.get_by_test_id("report-status")).to_have_text("排队中")
    expect(row.get_by_test_id("download")).to_have_count(0)

    JobRunner(live_app.extensions["opsflow.engine"]).run_due(utcnow() + timedelta(seconds=1), "browser-test")
    page.reload()
    expect(row.get_by_test_id("report-status")).to_have_text("已就绪")
    with page.expect_download() as download:
        row.get_by_test_id("download").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True)
    assert book.sheetnames[:3] == ["Summary", "Automation", "Throughput"]


def test_an_approver_has_no_reports_menu_and_is_refused(new_page: Callable[..., Page]) -> None:
    page = new_page(locale="zh-CN")
    sign_in(page, "alice")
    expect(page.get_by_test_id("nav-reports")).to_have_count(0)
    response = page.goto("/reports/")
    assert response is not None and response.status == 403


def test_the_automation_figures_are_charted_on_the_monitor(new_page: Callable[..., Page]) -> None:
    page = new_page(locale="zh-CN")
    sign_in(page, "bob")
    page.get_by_test_id("nav-monitor").click()
    page.get_by_test_id("to-automation").click()
    expect(page.locator("h1")).to_have_text("自动化")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    assert page.locator("#chart-share").bounding_box()["height"] > 100
    expect(page.get_by_test_id("automation-month")).to_have_count(12)
