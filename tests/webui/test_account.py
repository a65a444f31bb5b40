"""The account page: changing your password under the policy, and your API tokens (made, shown once,
listed with their last use, revoked); administrators see and revoke everyone's."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import ApiToken, create_token
from webui.extensions import db

Login = Callable[..., FlaskClient]
STRONG = "plum-kite-harbour-7"


def change(client: FlaskClient, current: str, new: str, repeat: str | None = None):
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                  "repeat_password": new if repeat is None else repeat})


def field_error(response, field: str) -> str:
    match = re.search(rf'data-testid="error-{field}">([^<]*)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


@pytest.mark.parametrize(("new", "message"), [
    ("short", "The password must be at least 10 characters long."),
    ("alice-in-wonderland", "The password must not contain your user name."),
    ("password123", "This password is one of the most common ones; choose another."),
])
def test_a_weak_new_password_is_refused_naming_the_rule(login: Login, new: str, message: str) -> None:
    alice = login("alice")
    response = change(alice, "demo", new)
    assert (response.status_code, field_error(response, "new_password")) == (422, message)
    assert login("alice"), "the old password still works: nothing was saved"


def test_the_chinese_page_names_the_rule_in_chinese(login: Login) -> None:
    response = change(login("alice", "zh_CN"), "demo", "short")
    assert field_error(response, "new_password") == "密码至少需要 10 个字符。"


def test_the_current_password_is_checked_and_counted(login: Login) -> None:
    alice = login("alice")
    assert field_error(change(alice, "demo", STRONG, "different-one-9"), "repeat_password") == \
        "The two new passwords differ."
    for _ in range(4):
        assert field_error(change(alice, "guess", STRONG), "current_password") == "This is not your current password."
    locked = change(alice, "guess", STRONG)
    assert locked.status_code == 429
    assert field_error(locked, "current_password") == "Too many failed sign-ins. Try again in 15 minutes."
    assert change(alice, "demo", STRONG).status_code == 429, "locked even with the right password"


def test_a_new_password_works_and_the_old_one_no_longer(app: Flask, login: Login) -> None:
    response = change(login("alice"), "demo", STRONG)
    assert response.status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "alice", "password": "demo"}).status_code == 401
    assert fresh.post("/login", data={"username": "alice", "password": STRONG}).status_code == 302


def new_token(client: FlaskClient, **form: str):
    return client.post("/account/tokens", data={"name": "ERP import", "scope": "act", "days": "30", **form})


def test_a_token_is_shown_once_listed_and_revoked(app: Flask, login: Login) -> None:
    alice = login("alice")
    made = new_token(alice)
    assert made.status_code == 200
    token = re.search(r'<input[^>]*value="([^"]+)"[^>]*data-testid="new-token"', made.get_data(as_text=True))
    assert token, "the new token is on the page"
    api = app.test_client()
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code == 200

    listing = alice.get("/account/tokens").get_data(as_text=True)
    assert token.group(1) not in listing, "shown only once"
    assert "ERP import" in listing and ">act<" in listing and ">Active<" in listing and "never" not in listing
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    revoked = alice.post(f"/account/tokens/{token_id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "Token ERP import is revoked; it no longer works." in revoked and ">Revoked<" in revoked
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code == 401


def test_bad_token_fields_are_refused_naming_the_field(app: Flask, login: Login) -> None:
    alice = login("alice")
    for form, field, message in ((dict(days="0"), "days", "Between 1 and 366 days."),
                                 (dict(days="soon"), "days", "Between 1 and 366 days."),
                                 (dict(scope="admin"), "scope", "Choose one of the scopes offered.")):
        response = new_token(alice, **form)
        assert (response.status_code, field_error(response, field)) == (422, message)
    assert 'value="admin"' not in alice.get("/account/tokens").get_data(as_text=True), "not offered to alice"
    assert 'value="admin"' in login("admin").get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None, "nothing was saved"


def test_only_the_owner_or_an_administrator_revokes(app: Flask, login: Login) -> None:
    with app.app_context():
        create_token(db.session, "alice", scope="read", name="alice's")
        db.session.commit()
        token_id = db.session.scalar(select(ApiToken.id))
    bob, admin = login("bob"), login("admin")
    assert bob.post(f"/account/tokens/{token_id}/revoke").status_code == 403
    assert bob.get("/account/all-tokens").status_code == 403
    everyone = admin.get("/account/all-tokens").get_data(as_text=True)
    assert "alice&#39;s" in everyone and "Alice 王丽" in everyone
    assert admin.post(f"/account/tokens/{token_id}/revoke", data={"back": "all"}).headers["Location"] \
        .endswith("/account/all-tokens")
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_by == "admin"


def test_the_token_list_pages(app: Flask, login: Login) -> None:
    with app.app_context():
        for n in range(25):
            create_token(db.session, "carol", scope="read", name=f"job {n:02}")
        db.session.commit()
    carol = login("carol")
    first = carol.get("/account/tokens").get_data(as_text=True)
    assert first.count('data-testid="token"') == 20 and "25 tokens" in first and "Page 1 of 2" in first
    second = carol.get("/account/tokens?page=2").get_data(as_text=True)
    assert second.count('data-testid="token"') == 5
