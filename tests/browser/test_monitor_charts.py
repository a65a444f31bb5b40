"""The monitor in a real browser: the charts are drawn from the page's figures."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from test_purchase_flow import sign_in

pytestmark = pytest.mark.browser


def test_charts_are_drawn_for_a_manager(new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "bob")
    page.get_by_test_id("nav-monitor").click()
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    assert page.locator("#chart-steps").bounding_box()["height"] > 100
    expect(page.get_by_test_id("steps")).to_contain_text("Department manager approval")


def test_waiting_and_working_are_charted_and_listed_apart(new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "bob")
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/monitor/?days=365")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    assert page.locator("#chart-spread").bounding_box()["height"] > 100
    row = page.get_by_test_id("spread-row").filter(has_text="Department manager approval").first
    expect(row.get_by_test_id("wait-p50")).not_to_have_text("—")
    expect(row.get_by_test_id("work-p90")).not_to_have_text("—")


def test_the_bottleneck_is_drawn_on_the_diagram_and_drills_down(new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "bob")
    page.goto(page.url.split("/inbox")[0] + "/monitor/heatmap?process=purchase_approval&days=365")
    heat = page.get_by_test_id("heatmap")
    expect(heat).to_have_attribute("data-ready", "true")
    expect(heat.locator('g[data-element-id="Task_manager_approval"][class*="heat-"]')).to_have_count(1)
    heat.locator('.heat-badge[data-element="Task_manager_approval"]').click()
    expect(page.get_by_test_id("step-instance").first).to_be_visible()
