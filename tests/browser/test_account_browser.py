"""A person's account in a real browser: an API token made, seen once, used and revoked; "sign out
everywhere" ending another browser's session; a weak new password refused; the sign-in lock."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def api_status(page: Page, token: str) -> int:
    return page.request.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status


def test_a_token_is_made_shown_once_used_and_revoked(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "alice")
    page.get_by_test_id("current-user").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    page.get_by_test_id("manage-tokens").click()
    expect(page.get_by_test_id("no-tokens")).to_be_visible()
    expect(page.get_by_test_id("token-scope-input").locator("option")).to_have_count(2)  # no admin for alice

    page.get_by_test_id("token-name-input").fill("ERP import")
    page.get_by_test_id("token-scope-input").select_option("act")
    page.get_by_test_id("token-days-input").fill("30")
    page.get_by_test_id("create-token").click()
    token = page.get_by_test_id("new-token").input_value()
    assert len(token) >= 40
    row = page.get_by_test_id("token")
    expect(row.get_by_test_id("token-name")).to_have_text("ERP import")
    expect(row.get_by_test_id("token-scope")).to_have_text("act")
    expect(row.get_by_test_id("token-last-used")).to_have_text("never")

    assert api_status(page, token) == 200
    page.goto("/account/tokens")
    expect(page.get_by_test_id("new-token-card")).to_have_count(0)  # shown only once
    assert token not in page.content()
    expect(page.get_by_test_id("token-last-used")).not_to_have_text("never")

    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first; saying no sends nothing
    page.get_by_test_id("revoke-token").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("token-status")).to_have_text("Active")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("revoke-token").click()
    expect(page.locator(".flash")).to_contain_text("Token ERP import is revoked")
    expect(page.get_by_test_id("token-status")).to_have_text("Revoked")
    expect(page.get_by_test_id("revoke-token")).to_have_count(0)
    assert api_status(page, token) == 401


def test_sign_out_everywhere_ends_the_other_browsers_session(new_page: NewPage) -> None:
    laptop, phone = new_page(), new_page()
    sign_in(laptop, "bob")
    sign_in(phone, "bob")
    laptop.goto("/account/")
    expect(laptop.get_by_test_id("session-count")).to_have_text("You are signed in on 2 browsers.")
    laptop.get_by_test_id("sign-out-everywhere").click()
    expect(laptop).to_have_url(re.compile(r"/login"))
    expect(laptop.locator(".flash")).to_have_text("You are signed out on every browser.")
    phone.goto("/inbox")
    expect(phone).to_have_url(re.compile(r"/login"))
    expect(phone.locator(".flash")).to_have_text("Your session has ended. Please sign in again.")


def test_a_weak_new_password_is_refused_in_chinese(new_page: NewPage) -> None:
    page = new_page("zh-CN")
    sign_in(page, "carol")
    page.goto("/account/")
    page.get_by_test_id("current_password").fill("demo")
    page.get_by_test_id("new_password").fill("carol-2026-pw")
    page.get_by_test_id("repeat_password").fill("carol-2026-pw")
    page.get_by_test_id("change-password").click()
    expect(page.get_by_test_id("error-new_password")).to_have_text("密码不能包含您的用户名。")


def test_five_wrong_passwords_lock_the_name_even_for_the_right_one(new_page: NewPage) -> None:
    page = new_page()
    page.goto("/login")
    for attempt in range(6):
        page.locator("input[name=username]").fill("henry")
        page.locator("input[name=password]").fill("demo" if attempt == 5 else "guess")
        page.locator("main button[type=submit]").click()
        expected = "Wrong user name or password." if attempt < 4 else \
            "Too many failed sign-ins. Try again in 15 minutes."
        expect(page.get_by_role("alert")).to_have_text(expected)
