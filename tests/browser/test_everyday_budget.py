"""The budget on a task is the budget now: what was spent since the flow checked it is taken off, and the figure
of the check is shown beside it."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import signed_in
from flask import Flask
from playwright.sync_api import Page, expect

from webui.demo_people import demo_actor
from webui.extensions import workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
CURRENCY = {"zh-CN": "¥", "en-US": "CN¥"}


def _request(item: str) -> dict:
    return {"supplier": "Dell China", "reason": "new hires", "department": "IT",
            "lines": [{"item": item, "quantity": 3, "unit_price": 3000.0}]}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_open_task_shows_the_budget_left_now(new_page: NewPage, served_app: tuple[str, Flask],
                                                locale: str) -> None:
    currency = CURRENCY[locale]
    with served_app[1].app_context():
        engine = workflow_engine()
        waiting = engine.start("purchase_approval", _request(f"Waiting laptops {locale}"), demo_actor("alice"))
        at_check = engine.get(waiting.id).data["budget_remaining"]
        spent = engine.start("purchase_approval", _request(f"Spent laptops {locale}"), demo_actor("alice"))
        engine.complete(next(t.id for t in spent.tasks if t.status == "open"), demo_actor("bob"),
                        {"decision": "approve", "comment": "ok"})  # a payment request of ¥9,000 since the check
    page = signed_in(new_page, "bob", locale)
    page.goto(f"/inbox?tab=group&q=Waiting laptops {locale}")
    page.get_by_test_id("task-row").first.locator("a.row-title").click()
    facts = page.get_by_test_id("facts")
    expect(facts.locator("[data-key=budget_remaining]")).to_contain_text(f"{currency}{at_check - 9000:,.2f}")
    expect(facts.locator("[data-key=budget_at_check]")).to_contain_text(f"{currency}{at_check:,.2f}")
    label = {"zh-CN": "预算检查时剩余", "en-US": "Remaining at the budget check"}[locale]
    expect(facts.locator("[data-key=budget_at_check] dt")).to_have_text(label)
