"""API tokens over HTTP: scopes (read, act, admin) enforced with 403 naming the scope needed, expired and
revoked tokens refused with invalid_token, last use noted at most once a minute, unknown tokens throttled."""
from __future__ import annotations

from datetime import timedelta

from api_helpers import PURCHASE
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import ApiToken, create_token, utcnow
from webui.extensions import db

pytest_plugins = ["api_fixtures"]
ELSEWHERE = {"REMOTE_ADDR": "10.0.0.9"}


def token_for(app: Flask, username: str, scope: str, days: int = 90) -> str:
    with app.app_context():
        token = create_token(db.session, username, scope=scope, days=days)
        db.session.commit()
    return token


def call(client: FlaskClient, method: str, path: str, token: str, **kwargs: object):
    return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def start(client: FlaskClient, token: str):
    return call(client, "POST", "/process-instances", token, json={"process": "purchase_approval", "data": PURCHASE})


def test_a_read_token_may_only_look(api_app: Flask) -> None:
    client, token = api_app.test_client(), token_for(api_app, "alice", "read")
    assert call(client, "GET", "/tasks", token).status_code == 200
    assert call(client, "GET", "/processes", token).status_code == 200
    refused = start(client, token)
    assert refused.status_code == 403
    assert refused.get_json() == {"error": "insufficient scope",
                                  "detail": "this request needs a token with scope 'act'"}
    assert 'error="insufficient_scope", scope="act"' in refused.headers["WWW-Authenticate"]
    assert call(client, "POST", "/process-instances/1/comments", token, json={"body": "hi"}).status_code == 403


def test_an_act_token_starts_claims_completes_and_comments_but_is_no_admin(api_app: Flask) -> None:
    client = api_app.test_client()
    alice, bob = token_for(api_app, "alice", "act"), token_for(api_app, "bob", "act")
    instance = start(client, alice).get_json()
    task = next(t for t in instance["tasks"] if t["status"] == "open")
    assert call(client, "POST", f"/tasks/{task['id']}/claim", bob).status_code == 200
    assert call(client, "POST", f"/process-instances/{instance['id']}/comments", bob,
                json={"body": "looking at it"}).status_code == 201
    done = call(client, "POST", f"/tasks/{task['id']}/complete", bob,
                json={"data": {"decision": "approve", "comment": "ok"}})
    assert done.status_code == 200, done.get_json()

    admin_act = token_for(api_app, "admin", "act")
    refused = call(client, "GET", "/rule-sets", admin_act)
    assert (refused.status_code, refused.get_json()["detail"]) == (403, "this request needs a token with scope 'admin'")
    assert call(client, "GET", "/rule-sets", token_for(api_app, "admin", "admin")).status_code == 200


def test_an_expired_token_gets_invalid_token(api_app: Flask) -> None:
    client, token = api_app.test_client(), token_for(api_app, "alice", "read", days=1)
    assert call(client, "GET", "/tasks", token).status_code == 200
    api_app.extensions["opsflow.engine"].clock = lambda: utcnow() + timedelta(days=1, minutes=1)
    refused = call(client, "GET", "/tasks", token)
    assert refused.status_code == 401
    assert refused.get_json() == {"error": "invalid token", "detail": "the token has expired"}
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_a_token_revoked_on_the_account_page_stops_working(api_app: Flask) -> None:
    client, token = api_app.test_client(), token_for(api_app, "alice", "act")
    assert call(client, "GET", "/tasks", token).status_code == 200
    browser = api_app.test_client()
    api_app.config["WTF_CSRF_ENABLED"] = False
    assert browser.post("/login", data={"username": "alice", "password": "demo"}).status_code == 302
    with api_app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.scope == "act").order_by(ApiToken.id.desc()))
    assert browser.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    refused = call(client, "GET", "/tasks", token)
    assert (refused.status_code, refused.get_json()["detail"]) == (401, "the token was revoked")


def test_last_use_is_noted_at_most_once_a_minute(api_app: Flask) -> None:
    client, token = api_app.test_client(), token_for(api_app, "carol", "read")
    engine = api_app.extensions["opsflow.engine"]

    def last_used():
        with api_app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.scope == "read"))

    assert last_used() is None
    call(client, "GET", "/tasks", token)
    first = last_used()
    assert first is not None
    call(client, "GET", "/tasks", token)
    assert last_used() == first, "a second call within the minute writes nothing"
    engine.clock = lambda: utcnow() + timedelta(minutes=2)
    call(client, "GET", "/tasks", token)
    assert last_used() > first


def test_twenty_unknown_tokens_lock_the_address(api_app: Flask) -> None:
    client, good = api_app.test_client(), token_for(api_app, "alice", "read")
    for n in range(20):
        assert call(client, "GET", "/tasks", f"guess-{n}", environ_base=ELSEWHERE).status_code == 401
    locked = call(client, "GET", "/tasks", good, environ_base=ELSEWHERE)
    assert locked.status_code == 429 and locked.get_json()["error"] == "too many invalid tokens"
    assert 850 <= int(locked.headers["Retry-After"]) <= 900
    assert call(client, "GET", "/tasks", good).status_code == 200, "other addresses are not locked"
    signing_in = client.post("/login", data={"username": "alice", "password": "demo"}, environ_base=ELSEWHERE)
    assert signing_in.status_code != 429, "the sign-in page keeps its own count"


def test_expired_tokens_are_refused_but_not_counted(api_app: Flask) -> None:
    client, old = api_app.test_client(), token_for(api_app, "alice", "read", days=1)
    api_app.extensions["opsflow.engine"].clock = lambda: utcnow() + timedelta(days=2)
    for _ in range(25):
        assert call(client, "GET", "/tasks", old).status_code == 401
    assert call(client, "GET", "/tasks", token_for(api_app, "bob", "read", days=5)).status_code == 200
