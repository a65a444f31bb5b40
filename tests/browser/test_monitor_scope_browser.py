"""The monitor's department and date filters, drill-downs and axis units in a real browser, in English and
Chinese, over a small history the test files in a quiet month (November 2019)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import signed_in
from monitor_history import file_in_november, listed_instances
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


@pytest.fixture(scope="module")
def history(live_app: Any) -> dict[str, list[int]]:
    """IT files two purchase requests and Finance one, in November 2019."""
    return file_in_november(live_app)


@pytest.mark.parametrize(("locale", "show", "hours", "count"), [("en-US", "Show", "hours", "count"),
                                                                 ("zh-CN", "查看", "小时", "数量")])
def test_a_manager_filters_by_department_and_dates_and_drills_down(
        new_page: NewPage, history: dict[str, list[int]], locale: str, show: str, hours: str, count: str) -> None:
    page = signed_in(new_page, "bob", locale)
    page.goto("/monitor/")
    page.get_by_test_id("filter-from").fill("2019-11-01")
    page.get_by_test_id("filter-to").fill("2019-11-30")
    page.get_by_role("button", name=show).click()
    expect(page.get_by_test_id("kpi-started")).to_have_text("3")
    page.get_by_test_id("filter-department").select_option("IT")
    page.get_by_role("button", name=show).click()
    expect(page.get_by_test_id("kpi-started")).to_have_text("2")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    axis = page.evaluate("""() => ["chart-steps", "chart-days"].map(id => {
        const s = Chart.getChart(document.getElementById(id)).options.scales;
        return [s.x.title.text, s.y.title ? s.y.title.text : ""]; })""")
    assert axis[0][0] == hours and axis[1][1] == count
    expect(page.get_by_test_id("unit-steps")).to_contain_text(hours)

    page.get_by_test_id("filter-to").fill("2019-11-10")
    page.get_by_role("button", name=show).click()
    expect(page.get_by_test_id("kpi-started")).to_have_text("1")
    page.get_by_test_id("behind-started").click()
    expect(page.get_by_test_id("behind-total")).to_contain_text("1")
    assert listed_instances(page) == history["IT"][:1]

    page.go_back()
    page.get_by_test_id("filter-to").fill("2019-11-30")
    page.get_by_role("button", name=show).click()
    page.locator("[data-testid=behind-step][data-step=Task_manager_approval]").click()
    assert listed_instances(page) == history["IT"]
    page.get_by_test_id("behind-row").first.locator("a").click()
    expect(page).to_have_url(f"{page.url.split('/instances')[0]}/instances/{history['IT'][0]}")
