"""Single sign-on against an identity provider the test starts on a free local port, over real HTTP.

OpsFlow talks to the provider for real (discovery, keys, the token endpoint); the test plays the
browser: it follows OpsFlow's redirect to the provider, and the provider's back to OpsFlow.
"""
from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import OctKey, RSAKey
from oidc_provider import CLIENT_ID, CLIENT_SECRET, KID, IdentityProvider, past, s256
from sqlalchemy import select, text
from werkzeug.test import TestResponse

from engine import AuditEntry, User, deactivate_user, utcnow
from webui import create_app
from webui.extensions import db, workflow_engine

NAME = "Example ID"
NOT_VERIFIED = f"The answer from {NAME} could not be verified, so you are not signed in."
START_AGAIN = "This sign-in was not started here or took too long. Please sign in again."
MakeApp = Callable[..., Flask]


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    yield provider
    provider.stop()


@pytest.fixture
def provider(idp: IdentityProvider) -> IdentityProvider:
    idp.reset()
    return idp


def sso_config(issuer: str, **config: Any) -> dict[str, Any]:
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_NAME": NAME, **config}


@pytest.fixture
def make_app(demo_database_url: str, provider: IdentityProvider) -> Iterator[MakeApp]:
    apps: list[Flask] = []

    def _make(**config: Any) -> Flask:
        app = create_app({"SQLALCHEMY_DATABASE_URI": demo_database_url, "TESTING": True, "SECRET_KEY": "test",
                          "WTF_CSRF_ENABLED": False, **sso_config(provider.url), **config})
        apps.append(app)
        return app
    yield _make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app: MakeApp) -> Flask:
    return make_app()


def browser(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def start(client: FlaskClient, path: str = "/login/sso") -> str:
    """Click "Sign in with …": the provider's authorization URL OpsFlow sends the browser to."""
    response = client.get(path)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sso_sign_in(client: FlaskClient, provider: IdentityProvider, path: str = "/login/sso") -> TestResponse:
    """The whole round: to the provider, signed in there, and back to OpsFlow's callback."""
    return client.get(provider.authorize(start(client, path)))


def error_of(response: TestResponse) -> str:
    match = re.search(r'<p class="error" role="alert">([^<]*)</p>', response.get_data(as_text=True))
    return match.group(1) if match else ""


def sessions_of(app: Flask, username: str) -> int:
    """The user's rows in login_sessions: the server's half of a sign-in."""
    with app.app_context():
        return db.session.scalar(text("SELECT count(*) FROM login_sessions s JOIN users u ON u.id = s.user_id "
                                      "WHERE u.username = :name"), {"name": username})


def audit_rows(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                       .order_by(AuditEntry.id)))


def assert_refused(app: Flask, client: FlaskClient, response: TestResponse, message: str,
                   username: str = "bob", status: int = 401) -> None:
    assert (response.status_code, error_of(response)) == (status, message)
    assert sessions_of(app, username) == 0
    assert client.get("/inbox").status_code == 302, "not signed in"


def test_a_known_user_signs_in_and_lands_on_the_inbox(app: Flask, provider: IdentityProvider) -> None:
    client = browser(app)
    page = client.get("/login").get_data(as_text=True)
    assert f"Sign in with {NAME}" in page and 'name="password"' in page

    response = sso_sign_in(client, provider)
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert "Bob 张伟" in client.get("/inbox").get_data(as_text=True)
    assert sessions_of(app, "bob") == 1, "a server-side session, like a password sign-in"
    [row] = audit_rows(app, "login.sso")
    assert (row.actor, row.target, row.address) == ("bob", "user bob", "127.0.0.1")

    assert client.post("/logout").status_code == 302
    assert sessions_of(app, "bob") == 0 and client.get("/inbox").status_code == 302


def test_the_page_asked_for_is_opened_after_signing_in(app: Flask, provider: IdentityProvider) -> None:
    client = browser(app)
    login = client.get("/requests")
    assert "/login" in login.headers["Location"]
    assert 'href="/login/sso?next=/requests"' in client.get(login.headers["Location"]).get_data(as_text=True)
    assert sso_sign_in(client, provider, "/login/sso?next=/requests").headers["Location"].endswith("/requests")
    assert sso_sign_in(browser(app), provider, "/login/sso?next=//evil.example/x").headers[
        "Location"].endswith("/inbox"), "never sent to another site"


def test_pkce_state_and_nonce_are_sent_and_checked(app: Flask, provider: IdentityProvider) -> None:
    client = browser(app)
    asked = parse_qs(urlsplit(start(client)).query)
    assert {k: v[0] for k, v in asked.items() if k in ("client_id", "response_type", "code_challenge_method",
                                                       "scope")} == {
        "client_id": CLIENT_ID, "response_type": "code", "code_challenge_method": "S256",
        "scope": "openid profile email"}
    assert len(asked["state"][0]) >= 32 and len(asked["nonce"][0]) >= 32
    client.get(provider.authorize(start(client)))
    [token_request] = provider.token_requests
    assert s256(token_request["code_verifier"]) == provider.authorizations[-1]["code_challenge"]
    assert provider.id_tokens[-1]["nonce"] == provider.authorizations[-1]["nonce"]
    assert sessions_of(app, "bob") == 1

    # a code issued to one browser's sign-in, brought back in another's: its verifier does not fit
    victim, thief = browser(app), browser(app)
    code = parse_qs(urlsplit(provider.authorize(start(victim))).query)["code"][0]
    state = parse_qs(urlsplit(start(thief)).query)["state"][0]
    response = thief.get(f"/login/sso/callback?code={code}&state={state}")
    assert error_of(response) == f"{NAME} did not confirm this sign-in. Please sign in again."
    assert thief.get("/inbox").status_code == 302
    assert audit_rows(app, "login.sso_failed")[-1].detail["reason"] == "token endpoint refused the code: 400 " \
                                                                       "invalid_grant"


def test_a_new_signing_key_of_the_provider_is_fetched_when_it_is_first_used(
        app: Flask, provider: IdentityProvider) -> None:
    assert sso_sign_in(browser(app), provider).status_code == 302
    assert sso_sign_in(browser(app), provider).status_code == 302
    assert provider.key_reads == 1, "the keys are kept"
    provider.rotate()
    assert sso_sign_in(browser(app), provider).status_code == 302
    assert provider.key_reads == 2


def test_a_wrong_state_is_refused(app: Flask, provider: IdentityProvider) -> None:
    client = browser(app)
    back = provider.authorize(start(client))
    forged = re.sub(r"state=[^&]+", "state=forged", back)
    assert_refused(app, client, client.get(forged), START_AGAIN)
    assert_refused(app, client, client.get(back), START_AGAIN)  # the sign-in it belonged to is used up
    assert provider.token_requests == [], "the code was never even traded"
    fresh = browser(app)
    assert_refused(app, fresh, fresh.get(back), START_AGAIN)  # a browser that started nothing
    reasons = [row.detail["reason"] for row in audit_rows(app, "login.sso_failed")]
    assert reasons == ["state does not match a sign-in started in this browser"] * 3


def test_a_replayed_code_is_refused(app: Flask, provider: IdentityProvider) -> None:
    client = browser(app)
    back = provider.authorize(start(client))
    assert client.get(back).status_code == 302
    client.post("/logout")
    assert_refused(app, client, client.get(back), START_AGAIN)  # the same answer again
    code = parse_qs(urlsplit(back).query)["code"][0]
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    assert_refused(app, client, client.get(f"/login/sso/callback?code={code}&state={state}"),
                   f"{NAME} did not confirm this sign-in. Please sign in again.")


def test_an_answer_that_took_too_long_is_refused(app: Flask, provider: IdentityProvider) -> None:
    client, engine = browser(app), workflow_engine_of(app)
    back = provider.authorize(start(client))
    engine.clock = lambda: utcnow() + timedelta(minutes=11)
    assert_refused(app, client, client.get(back), START_AGAIN)


def workflow_engine_of(app: Flask) -> Any:
    with app.app_context():
        return workflow_engine()


def _other_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"}, private=True)


@pytest.mark.parametrize("case, change, reason", [
    ("another audience", {"tamper": {"aud": "another-app"}}, "Invalid claim: 'aud'"),
    ("another issuer", {"tamper": {"iss": "http://127.0.0.1:1/evil"}}, "Invalid claim: 'iss'"),
    ("expired", {"tamper": {"exp": past(10), "iat": past(15)}}, "expired"),
    ("another nonce", {"tamper": {"nonce": "not-the-one-sent"}}, "Invalid claim: 'nonce'"),
    ("no nonce", {"tamper": {"nonce": None}}, "Missing claim: 'nonce'"),
    ("a key never published", {"signing_key": _other_key()}, "bad_signature"),
    ("the client secret (HS256)", {"signing_key": OctKey.import_key(CLIENT_SECRET), "algorithm": "HS256"},
     "HS256"),
])
def test_an_id_token_that_does_not_hold_is_refused(app: Flask, provider: IdentityProvider, case: str,
                                                   change: dict[str, Any], reason: str) -> None:
    for name, value in change.items():
        setattr(provider, name, value)
    client = browser(app)
    assert_refused(app, client, sso_sign_in(client, provider), NOT_VERIFIED)
    [row] = audit_rows(app, "login.sso_failed")
    assert row.detail["reason"].startswith("id_token refused") and reason.lower() in row.detail["reason"].lower(), \
        row.detail


def test_an_unknown_user_is_refused(app: Flask, provider: IdentityProvider) -> None:
    provider.user = {"sub": "u-zoe", "preferred_username": "zoe", "groups": ["approvers"]}
    client = browser(app)
    response = sso_sign_in(client, provider)
    assert (response.status_code, error_of(response)) == (
        401, "There is no OpsFlow account for zoe. Ask an administrator to add you.")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "zoe")) is None
    assert audit_rows(app, "login.sso_failed")[-1].actor == "zoe"

    client.post("/language", data={"locale": "zh_CN"})
    assert error_of(sso_sign_in(client, provider)) == "OpsFlow 中没有 zoe 的账号，请联系管理员添加。"


def test_an_unknown_user_is_created_when_allowed_with_the_groups_of_the_claim(
        make_app: MakeApp, provider: IdentityProvider) -> None:
    app = make_app(OIDC_CREATE_USERS=True, OIDC_GROUPS_CLAIM="groups")
    provider.user = {"sub": "u-zoe", "preferred_username": "zoe", "name": "Zoe 赵", "groups": ["it", "approvers"]}
    client = browser(app)
    assert sso_sign_in(client, provider).headers["Location"].endswith("/inbox")
    assert "Zoe 赵" in client.get("/inbox").get_data(as_text=True)
    with app.app_context():
        zoe = db.session.scalar(select(User).where(User.username == "zoe"))
        assert (zoe.role_names, zoe.group_names, zoe.active) == (["requester"], ["approvers", "it"], True)
    assert audit_rows(app, "login.sso")[-1].detail == {"created": True, "groups": [[], ["approvers", "it"]]}

    provider.user["groups"] = ["it"]  # the directory moved zoe: the next sign-in follows it
    assert sso_sign_in(browser(app), provider).status_code == 302
    provider.user.pop("groups")  # a token without the claim leaves the groups alone
    assert sso_sign_in(browser(app), provider).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "zoe")).group_names == ["it"]
    assert [r.detail for r in audit_rows(app, "login.sso")[1:]] == [{"groups": [["approvers", "it"], ["it"]]}, {}]


def test_a_groups_claim_that_is_not_a_list_of_names_is_refused(make_app: MakeApp,
                                                               provider: IdentityProvider) -> None:
    app = make_app(OIDC_CREATE_USERS=True, OIDC_GROUPS_CLAIM="groups")
    provider.user = {"sub": "u-zoe", "preferred_username": "zoe", "groups": {"it": True}}
    client = browser(app)
    response = sso_sign_in(client, provider)
    assert error_of(response) == f"{NAME} did not send what OpsFlow needs to sign you in (groups)."
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "zoe")) is None, "nothing half-made"


def test_a_token_without_the_user_name_claim_is_refused(make_app: MakeApp, provider: IdentityProvider) -> None:
    app = make_app(OIDC_USERNAME_CLAIM="employee_id")
    client = browser(app)
    assert error_of(sso_sign_in(client, provider)) == (
        f"{NAME} did not send what OpsFlow needs to sign you in (employee_id).")
    provider.user["employee_id"] = "bob"
    assert sso_sign_in(client, provider).status_code == 302


def test_a_deactivated_user_is_refused(app: Flask, provider: IdentityProvider) -> None:
    with app.app_context():
        deactivate_user(db.session, "bob")
        db.session.commit()
    client = browser(app)
    assert_refused(app, client, sso_sign_in(client, provider), "The OpsFlow account bob is deactivated.")


def test_a_cancelled_sign_in_at_the_provider_says_so(app: Flask, provider: IdentityProvider) -> None:
    provider.refuse = "access_denied"
    client = browser(app)
    assert_refused(app, client, sso_sign_in(client, provider),
                   f"Signing in with {NAME} was cancelled or refused.")


def test_failures_lock_the_address_like_wrong_passwords(make_app: MakeApp, provider: IdentityProvider) -> None:
    app = make_app(LOGIN_ADDRESS_MAX_FAILURES=3)
    client = browser(app)
    for _ in range(2):
        assert error_of(client.get("/login/sso/callback?code=x&state=guess")) == START_AGAIN
    third = client.get("/login/sso/callback?code=x&state=guess")
    assert (third.status_code, error_of(third)) == (429, "Too many failed sign-ins. Try again in 15 minutes.")
    locked = client.get("/login/sso")
    assert (locked.status_code, error_of(locked)) == (429, "Too many failed sign-ins. Try again in 15 minutes.")
    assert browser(app).post("/login", data={"username": "alice", "password": "demo"}).status_code == 429
    engine = workflow_engine_of(app)
    engine.clock = provider.clock = lambda: utcnow() + timedelta(minutes=16)
    assert sso_sign_in(client, provider).status_code == 302


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_provider_that_is_down_gives_a_message(make_app: MakeApp, provider: IdentityProvider) -> None:
    app = make_app(**sso_config(f"http://127.0.0.1:{_closed_port()}"))
    client = browser(app)
    response = client.get("/login/sso")
    assert (response.status_code, error_of(response)) == (
        503, f"{NAME} cannot be reached just now. Try again in a few minutes.")
    assert "Connection refused" in audit_rows(app, "login.sso_failed")[-1].detail["reason"]
    assert client.post("/login", data={"username": "bob", "password": "demo"}).status_code == 302, \
        "the password still works"


def test_a_provider_that_goes_down_during_the_sign_in_gives_a_message(make_app: MakeApp) -> None:
    passing = IdentityProvider()
    try:
        app = make_app(**sso_config(passing.url))
        client = browser(app)
        back = passing.authorize(start(client))
    finally:
        passing.stop()
    response = client.get(back)
    assert (response.status_code, error_of(response)) == (
        503, f"{NAME} cannot be reached just now. Try again in a few minutes.")
    assert client.get("/inbox").status_code == 302


def test_password_sign_in_stays_unless_turned_off(make_app: MakeApp, provider: IdentityProvider) -> None:
    app = make_app()
    assert browser(app).post("/login", data={"username": "bob", "password": "demo"}).status_code == 302
    chinese = app.test_client()
    chinese.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert f"使用 {NAME} 登录" in chinese.get("/login").get_data(as_text=True)

    app = make_app(PASSWORD_SIGN_IN=False)
    client = browser(app)
    page = client.get("/login").get_data(as_text=True)
    assert f"Sign in with {NAME}" in page and 'name="password"' not in page
    refused = client.post("/login", data={"username": "bob", "password": "demo"})
    assert (refused.status_code, error_of(refused)) == (
        403, f"Signing in with a password is turned off. Sign in with {NAME}.")
    assert client.get("/inbox").status_code == 302
    assert sso_sign_in(client, provider).status_code == 302


def test_without_single_sign_on_there_is_no_button_and_no_route(demo_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": demo_database_url, "TESTING": True, "SECRET_KEY": "test"})
    client = app.test_client()
    assert "/login/sso" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("config, complaint", [
    ({"OIDC_ISSUER": "http://idp.example", "OIDC_CLIENT_SECRET": "x"}, "OPSFLOW_OIDC_CLIENT_ID"),
    ({"OIDC_ISSUER": "idp.example", "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "x"}, "http(s) address"),
    ({"OIDC_ISSUER": "http://idp.example", "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "x",
      "OIDC_SCOPES": "profile"}, "must include openid"),
    ({"PASSWORD_SIGN_IN": False}, "leaves no way to sign in"),
])
def test_a_half_configured_single_sign_on_stops_the_start(database_url: str, config: dict[str, Any],
                                                          complaint: str) -> None:
    with pytest.raises(ValueError, match=re.escape(complaint)):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test",
                    "OIDC_CLIENT_ID": "", **config})
