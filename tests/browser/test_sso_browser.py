"""Single sign-on in a real browser: "Sign in with …" on the login page, through the identity provider the
test starts, and back to OpsFlow signed in on the inbox; someone the directory knows but OpsFlow does not
is told so on the login page."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from oidc_provider import CLIENT_ID, CLIENT_SECRET, IdentityProvider
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def live_server_config(idp: IdentityProvider) -> dict[str, Any]:
    return {"OIDC_ISSUER": idp.url, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_NAME": "Example ID"}


def test_sign_in_with_the_directory_ends_on_the_inbox(new_page: NewPage, idp: IdentityProvider) -> None:
    idp.reset()
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Example ID").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_test_id("current-user")).to_have_text("Bob 张伟")
    assert idp.authorizations[-1]["code_challenge_method"] == "S256", "the browser went through the provider"


def test_someone_opsflow_does_not_know_is_told_so_in_chinese(new_page: NewPage, idp: IdentityProvider) -> None:
    idp.reset()
    idp.user = {"sub": "u-zoe", "preferred_username": "zoe"}
    page = new_page("zh-CN")
    page.goto("/login")
    page.get_by_test_id("sso-sign-in").click()
    expect(page.get_by_role("alert")).to_have_text("OpsFlow 中没有 zoe 的账号，请联系管理员添加。")
    expect(page).to_have_url(re.compile(r"/login/sso/callback"))
    page.locator("input[name=username]").fill("bob")
    page.locator("input[name=password]").fill("demo")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inbox"))
