"""A delegated task says who handed it over and why: in the inbox row and on the task itself."""
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
WORDS = {"zh-CN": ("由 Bob 张伟 转交", "Bob 张伟 于"),
         "en-US": ("Handed over by Bob 张伟", "Bob 张伟 handed this task to")}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_person_given_a_task_sees_who_handed_it_over_and_why(new_page: NewPage, served_app: tuple[str, Flask],
                                                                 locale: str) -> None:
    item = f"Plotter {locale}"
    with served_app[1].app_context():
        workflow_engine().start("purchase_approval", {
            "supplier": "HP China", "reason": "drawings", "department": "IT",
            "lines": [{"item": item, "quantity": 1, "unit_price": 9000.0}]}, demo_actor("alice"))
    bob = signed_in(new_page, "bob", locale)
    bob.goto(f"/inbox?tab=group&q={item}")
    bob.get_by_test_id("task-row").filter(has_text=item).locator("a.row-title").click()
    bob.get_by_test_id("delegate").locator("summary").click()
    bob.get_by_test_id("delegate-to").select_option("carol")
    bob.get_by_test_id("delegate-reason").fill("预算问题请财务先看")
    bob.get_by_test_id("delegate-submit").click()

    carol = signed_in(new_page, "carol", locale)
    row = carol.get_by_test_id("task-row").filter(has_text=item)
    expect(row.get_by_test_id("handed-over")).to_contain_text(WORDS[locale][0])
    expect(row.get_by_test_id("handed-over")).to_contain_text("预算问题请财务先看")
    row.locator("a.row-title").click()
    expect(carol.get_by_test_id("handover")).to_contain_text(WORDS[locale][1])
    expect(carol.get_by_test_id("handover-reason")).to_have_text("预算问题请财务先看")
