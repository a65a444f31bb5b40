"""The monitor's charts and workload drill down in a real browser: a click on a day's point, a step's bar or
a person's open work lists exactly the requests behind that figure, over the page's department and dates."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_steps import signed_in
from monitor_history import file_in_november, listed_instances
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine import HumanTask, ProcessInstance
from webui.extensions import db

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
NOVEMBER = "from=2019-11-01&to=2019-11-30"
STEP = "Task_manager_approval"


@pytest.fixture(scope="module")
def history(live_app: Any) -> dict[str, list[int]]:
    """IT files two purchase requests and Finance one, in November 2019; bob claims IT's second."""
    return file_in_november(live_app, claimed_by="bob")


def _total(page: Page) -> int:
    return int("".join(c for c in page.get_by_test_id("behind-total").inner_text() if c.isdigit()))


def _click_chart(page: Page, canvas: str, dataset: int, index: int) -> None:
    """Click where the chart drew one bar or point, as a person aims at it."""
    x, y = page.evaluate("""([id, d, i]) => {
        const el = Chart.getChart(document.getElementById(id)).getDatasetMeta(d).data[i];
        const p = el.getCenterPoint ? el.getCenterPoint() : {x: el.x, y: el.y};
        return [p.x, p.y]; }""", [canvas, dataset, index])
    page.locator(f"#{canvas}").click(position={"x": x, "y": y})


def _monitor(page: Page, query: str) -> dict[str, Any]:
    page.goto(f"/monitor/?{query}")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    return page.evaluate("() => JSON.parse(document.getElementById('monitor-data').textContent)")


def test_a_click_on_a_day_or_a_step_bar_lists_the_requests_behind_it(
        new_page: NewPage, history: dict[str, list[int]]) -> None:
    page = signed_in(new_page, "bob")
    figures = _monitor(page, f"{NOVEMBER}&department=IT")
    day = figures["days"]["labels"].index("2019-11-18")
    assert figures["days"]["started"][day] == 1
    _click_chart(page, "chart-days", 0, day)
    page.wait_for_url(lambda url: "/monitor/behind" in url and "day=2019-11-18" in url)
    expect(page.get_by_test_id("behind-day")).to_contain_text("2019")
    assert "department=IT" in page.url and "from=2019-11-01" in page.url and "kind=started" in page.url
    assert (_total(page), listed_instances(page)) == (1, history["IT"][1:])

    figures = _monitor(page, NOVEMBER)  # every department: the step's bar counts Finance's request too
    bar = figures["steps"]["labels"].index(STEP)
    row = page.locator(f"[data-testid=step-row]:has([data-step={STEP}])")
    counted = sum(int(row.locator("td.num").nth(n).inner_text()) for n in (0, 1))  # completed + open
    _click_chart(page, "chart-steps", 0, bar)
    page.wait_for_url(lambda url: "kind=step" in url and f"step={STEP}" in url)
    assert _total(page) == counted == 3
    assert sorted(listed_instances(page)) == sorted([*history["IT"], *history["Finance"]])

    page.go_back()
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    _click_chart(page, "chart-spread", 0, bar)  # the waiting-and-working chart drills down the same way
    page.wait_for_url(lambda url: "kind=step" in url and f"step={STEP}" in url)
    assert _total(page) == counted


def test_a_click_on_a_workload_row_lists_the_open_work_it_counted(
        new_page: NewPage, history: dict[str, list[int]], live_app: Any) -> None:
    page = signed_in(new_page, "bob", "zh-CN")
    _monitor(page, f"{NOVEMBER}&department=IT")
    rows = page.get_by_test_id("workload-row")
    expect(rows.first).to_be_visible()
    owners = rows.evaluate_all("rows => rows.map(r => [r.dataset.owner, r.querySelector('td.num').innerText])")
    assert "bob" in dict(owners)
    for owner, count in owners:
        _monitor(page, f"{NOVEMBER}&department=IT")
        page.locator(f"[data-testid=workload-row][data-owner='{owner}'] [data-testid=behind-workload]").click()
        expect(page.get_by_test_id("behind-title")).to_contain_text("待办任务")
        assert "department=IT" in page.url and "kind=open" in page.url
        with live_app.app_context():
            held = func.coalesce(HumanTask.assignee, HumanTask.candidate_group, "")
            expected = list(db.session.scalars(
                select(HumanTask.instance_id).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                .where(HumanTask.status == "open", held == owner, ProcessInstance.department == "IT")
                .order_by(HumanTask.created_at, HumanTask.id).limit(50)))
            db.session.rollback()
        assert _total(page) == int(count), owner
        assert listed_instances(page) == expected, owner
    _monitor(page, f"{NOVEMBER}&department=IT")
    page.locator("[data-testid=workload-row][data-owner='bob'] [data-testid=behind-workload]").click()
    assert listed_instances(page) == history["IT"][1:], "bob holds the request he claimed"
