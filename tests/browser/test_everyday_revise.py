"""Revising a returned request: the form takes the main column with its lines table whole, its button says
Resubmit (重新提交), and the approver then sees what changed (20 → 10 pens) on the task."""
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
WORDS = {"zh-CN": {"button": "重新提交", "what": "第 1 行 · 数量", "changed": "申请人的修改"},
         "en-US": {"button": "Resubmit", "what": "Line 1 · Quantity", "changed": "What the requester changed"}}


def _returned(app: Flask, item: str) -> None:
    """Frank asks for 20 pens; his manager returns the request for him to revise."""
    with app.app_context():
        engine = workflow_engine()
        view = engine.start("purchase_approval", {
            "supplier": "得力 Deli", "reason": "office supplies", "department": "Sales",
            "lines": [{"item": item, "quantity": 20, "unit_price": 300.0},
                      {"item": "A4 paper", "quantity": 10, "unit_price": 25.0}]}, demo_actor("frank"))
        engine.complete(next(t.id for t in view.tasks if t.status == "open"), demo_actor("erin"),
                        {"decision": "return", "comment": "10 pens are enough"})


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_revision_is_resubmitted_and_the_approver_sees_the_diff(new_page: NewPage, served_app: tuple[str, Flask],
                                                                  locale: str) -> None:
    item = f"Gel pens {locale}"
    _returned(served_app[1], item)
    words = WORDS[locale]
    frank = signed_in(new_page, "frank", locale, viewport={"width": 1280, "height": 900})
    frank.get_by_test_id("task-row").filter(has_text=item).locator("a.row-title").click()
    decision, facts = frank.get_by_test_id("decision"), frank.locator(".area-facts")
    assert decision.bounding_box()["width"] > 800, "the revise form takes the main column"  # type: ignore[index]
    assert decision.bounding_box()["y"] < facts.bounding_box()["y"]  # type: ignore[index]
    lines = frank.get_by_test_id("lines-lines")
    assert lines.bounding_box()["width"] <= decision.bounding_box()["width"]  # type: ignore[index]
    expect(frank.locator("#f-lines-1-quantity")).to_have_value("20")
    frank.locator("#f-lines-1-quantity").fill("10")
    expect(frank.get_by_test_id("complete")).to_have_text(words["button"])
    frank.get_by_test_id("complete").click()

    erin = signed_in(new_page, "erin", locale)
    erin.get_by_test_id("tab-group").click()
    erin.get_by_test_id("task-row").filter(has_text=item).locator("a.row-title").click()
    diff = erin.get_by_test_id("revision-diff")
    expect(erin.locator(".area-facts h3")).to_have_text(words["changed"])
    expect(diff.get_by_test_id("change")).to_have_count(1)
    expect(diff.get_by_test_id("change")).to_contain_text(words["what"])
    expect(diff.locator("del")).to_have_text("20")
    expect(diff.locator("ins")).to_have_text("10")
