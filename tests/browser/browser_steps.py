"""Steps the browser tests share: signing in as a demo user, opening a task of the purchase flow in the designer."""
from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inbox"))


def open_budget_check_in_designer(page: Page) -> Locator:
    """Dave opens the purchase approval in the designer and selects its budget check; returns the panel."""
    sign_in(page, "dave")
    page.get_by_test_id("nav-designer").click()
    page.get_by_test_id("designer-processes").get_by_role("link", name="Purchase approval").click()
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")
    page.locator('g[data-element-id="Task_check_budget"]').click()
    return page.get_by_test_id("designer-panel")


def signed_in(new_page: Callable[..., Page], username: str, locale: str = "en-US", **options: object) -> Page:
    """A fresh browser context in `locale` (and `options`, a viewport say), signed in as `username`, on their inbox."""
    page = new_page(locale=locale, **options)
    sign_in(page, username)
    return page
