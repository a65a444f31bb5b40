"""Steps the browser tests share: signing in as a demo user."""
from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inbox"))


def signed_in(new_page: Callable[..., Page], username: str, locale: str = "en-US", **options: object) -> Page:
    """A fresh browser context in `locale` (and `options`, a viewport say), signed in as `username`, on their inbox."""
    page = new_page(locale=locale, **options)
    sign_in(page, username)
    return page
