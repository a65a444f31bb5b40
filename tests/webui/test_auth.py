"""Signing in and out, CSRF on every form post, and the language switch."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import User
from webui.extensions import db


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def test_signing_in_lands_on_the_inbox(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "bob", "password": "demo"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inbox")
    assert "Bob 张伟" in client.get("/inbox").get_data(as_text=True)


def test_wrong_password_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "bob", "password": "nope"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "Wrong user name or password." in response.get_data(as_text=True)


def test_screens_need_a_signed_in_user(client: FlaskClient) -> None:
    for path in ("/inbox", "/requests", "/requests/new", "/instances/1", "/tasks/x"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def _sign_in(client: FlaskClient, username: str) -> None:
    assert client.post("/login", data={"username": username, "password": "demo"}).status_code == 302


def test_signing_out(client: FlaskClient) -> None:
    _sign_in(client, "alice")
    assert client.post("/logout").status_code == 302
    assert client.get("/inbox").status_code == 302


def test_a_post_without_csrf_token_is_refused(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"username": "alice", "password": "demo"}).status_code == 400
    response = client.post("/login", data={"username": "alice", "password": "demo",
                                           "csrf_token": _token(login_page)})
    assert response.status_code == 302

    form = {"item": "Laptop", "supplier": "ACME", "quantity": "1", "unit_price": "100", "reason": "x"}
    assert client.post("/requests/new", data=form).status_code == 400
    token = _token(client.get("/requests/new").get_data(as_text=True))
    assert client.post("/requests/new", data={**form, "csrf_token": token}).status_code == 302


def test_language_switch_between_chinese_and_english(app: Flask, client: FlaskClient) -> None:
    _sign_in(client, "bob")
    chinese = client.get("/inbox").get_data(as_text=True)  # no Accept-Language: Chinese first
    assert "待办" in chinese and "我的任务" in chinese

    client.post("/language", data={"locale": "en", "next": "/inbox"})
    english = client.get("/inbox").get_data(as_text=True)
    assert "Inbox" in english and "My tasks" in english and "待办" not in english
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.username == "bob")) == "en"

    client.post("/language", data={"locale": "zh_CN"})
    assert "组任务" in client.get("/inbox").get_data(as_text=True)
