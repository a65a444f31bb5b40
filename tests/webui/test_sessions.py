"""Sessions that end: a copied cookie stops working on sign-out, deactivation, a new password, "sign out
everywhere", idle time and old age; and the cookie's flags."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import User, WorkflowEngine, utcnow
from webui import create_app
from webui.extensions import db

STRONG = "plum-kite-harbour-7"
Login = Callable[..., FlaskClient]


def stolen_copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client: FlaskClient) -> bool:
    return client.get("/inbox").status_code == 200


def test_a_cookie_replayed_after_signing_out_is_refused(app: Flask, login: Login) -> None:
    alice = login("alice")
    thief = stolen_copy(app, alice)
    assert signed_in(thief), "the copy works while alice is signed in"
    assert alice.post("/logout").status_code == 302
    response = thief.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not signed_in(alice)


def test_signing_out_one_browser_leaves_the_others_signed_in(login: Login) -> None:
    laptop, phone = login("alice"), login("alice")
    laptop.post("/logout")
    assert not signed_in(laptop) and signed_in(phone)


def test_a_cookie_without_a_session_key_signs_nobody_in(app: Flask, client: FlaskClient) -> None:
    """A cookie from before sessions had keys: validly signed, but no session row stands behind it."""
    with app.app_context():
        alice_id = db.session.scalar(select(User.id).where(User.username == "alice"))
    with client.session_transaction() as session:
        session["_user_id"] = str(alice_id)
        session["_fresh"] = True
    assert not signed_in(client)


def test_a_deactivated_users_session_ends_at_their_next_request(app: Flask, login: Login) -> None:
    dave, carol = login("dave"), login("carol")
    assert signed_in(dave)
    result = app.test_cli_runner().invoke(args=["deactivate-user", "dave"])
    assert result.exit_code == 0, result.output
    assert not signed_in(dave)
    assert dave.post("/login", data={"username": "dave", "password": "demo"}).status_code == 401

    with app.app_context():  # deactivated some other way than the command: the flag alone is enough
        db.session.scalar(select(User).where(User.username == "carol")).active = False
        db.session.commit()
    assert not signed_in(carol)


def test_an_idle_session_ends_and_says_so(login: Login, engine: WorkflowEngine) -> None:
    alice = login("alice")
    engine.clock = lambda: utcnow() + timedelta(hours=7, minutes=50)
    assert signed_in(alice), "used again within 8 hours"
    engine.clock = lambda: utcnow() + timedelta(hours=8, minutes=30)
    assert signed_in(alice), "idle time counts from the last use, not from signing in"
    engine.clock = lambda: utcnow() + timedelta(hours=16, minutes=35)
    response = alice.get("/inbox", follow_redirects=True)
    assert response.request.path == "/login"
    assert "Your session has ended. Please sign in again." in response.get_data(as_text=True)


def test_a_busy_session_ends_after_its_lifetime(demo_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": demo_database_url, "TESTING": True, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "SESSION_LIFETIME_HOURS": 2})
    client = app.test_client()
    assert client.post("/login", data={"username": "bob", "password": "demo"}).status_code == 302
    engine = app.extensions["opsflow.engine"]
    for minutes in (40, 80, 110):
        engine.clock = lambda m=minutes: utcnow() + timedelta(minutes=m)
        assert signed_in(client), minutes
    engine.clock = lambda: utcnow() + timedelta(minutes=121)
    assert not signed_in(client)
    with app.app_context():
        db.engine.dispose()


def test_a_new_password_signs_out_every_other_browser(login: Login) -> None:
    here, elsewhere = login("alice"), login("alice")
    response = here.post("/account/password", data={"current_password": "demo", "new_password": STRONG,
                                                    "repeat_password": STRONG})
    assert response.status_code == 302
    assert signed_in(here), "the browser that changed it stays signed in"
    assert not signed_in(elsewhere)


def test_sign_out_everywhere_ends_every_session_of_the_user_only(login: Login) -> None:
    here, elsewhere, bob = login("alice"), login("alice"), login("bob")
    assert "You are signed in on 2 browsers." in here.get("/account/").get_data(as_text=True)
    response = here.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "You are signed out on every browser." in response.get_data(as_text=True)
    assert not signed_in(here) and not signed_in(elsewhere)
    assert signed_in(bob)


def session_cookie_header(client: FlaskClient, **kwargs: object) -> str:
    response = client.post("/login", data={"username": "bob", "password": "demo"}, **kwargs)
    assert response.status_code == 302
    [cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return cookie


@pytest.mark.parametrize(("config", "kwargs", "secure"), [
    ({}, {}, False),
    ({}, {"base_url": "https://opsflow.example"}, True),
    ({}, {"headers": {"X-Forwarded-Proto": "https"}}, False),  # anyone can send it: ignored without a proxy
    ({"PROXY_HOPS": 1}, {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.9.8.7"}}, True),
    ({"SESSION_COOKIE_SECURE": True}, {}, True),
])
def test_the_session_cookie_is_httponly_lax_and_secure_over_tls(demo_database_url: str, config: dict,
                                                                kwargs: dict, secure: bool) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": demo_database_url, "TESTING": True, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, **config})
    cookie = session_cookie_header(app.test_client(), **kwargs)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure, cookie
    with app.app_context():
        db.engine.dispose()

