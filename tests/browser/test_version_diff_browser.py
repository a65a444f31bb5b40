"""The diff of two versions drawn in a real browser: bpmn-js marks and badges what was added, changed, removed."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect

from tests.engine.test_version_diff import _v2

pytestmark = pytest.mark.browser


def test_changed_elements_are_marked_on_both_diagrams(new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "dave")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    response = page.request.post("/designer/purchase_approval/deploy", data={"xml": _v2(), "version": 1},
                                 headers={"X-CSRFToken": token})
    assert response.status in (200, 201), response.text()
    page.goto("/designer/purchase_approval/history")
    page.get_by_test_id("compare").click()
    new, old = page.get_by_test_id("diff-new"), page.get_by_test_id("diff-old")
    expect(new).to_have_attribute("data-ready", "true")
    expect(old).to_have_attribute("data-ready", "true")
    expect(new.locator('g.opsflow-added[data-element-id="Task_notify"]')).to_have_count(1)
    expect(new.locator('g.opsflow-changed[data-element-id="Task_manager_approval"]')).to_have_count(1)
    expect(old.locator('g.opsflow-removed[data-element-id="Task_record_rejection"]')).to_have_count(1)
    expect(new.locator('.diff-badge.added[data-element="Task_notify"]')).to_have_text("+")
    expect(page.get_by_test_id("diff-changed").filter(has_text="Department manager approval")).to_contain_text("P1D")
