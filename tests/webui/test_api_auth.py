"""REST API authentication: a bearer token or a 401 in JSON, never the login session."""
from __future__ import annotations

from api_helpers import ApiClient
from flask import Flask
from sqlalchemy import select

from engine import User
from webui.extensions import db

pytest_plugins = ["api_fixtures"]


def test_missing_token_is_401_json_with_a_challenge(api_client: ApiClient) -> None:
    response = api_client.get("/processes")
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json()["error"] == "authentication required"
    assert "Authorization: Bearer" in response.get_json()["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_invalid_or_malformed_token_is_401(api_client: ApiClient) -> None:
    for header in ("Bearer not-a-real-token", "Basic YWxpY2U6ZGVtbw==", "Bearer ", "Token abc"):
        response = api_client.get("/tasks", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"] in ("invalid token", "authentication required")
    response = api_client.get("/tasks", headers={"Authorization": "Bearer not-a-real-token"})
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_every_endpoint_requires_a_token(api_client: ApiClient) -> None:
    for method, path in [("GET", "/processes"), ("POST", "/process-instances"), ("GET", "/process-instances/1"),
                         ("POST", "/process-instances/1/cancel"), ("POST", "/process-instances/1/retry"),
                         ("GET", "/tasks"), ("GET", "/tasks/x"), ("POST", "/tasks/x/claim"),
                         ("POST", "/tasks/x/unclaim"), ("POST", "/tasks/x/complete")]:
        assert api_client.call(method, path).status_code == 401, (method, path)


def test_a_valid_token_authenticates_without_csrf_token(api_client: ApiClient) -> None:
    response = api_client.post("/process-instances", "alice", json={"process": "purchase_approval",
                                                                    "data": {"item": "x", "supplier": "y",
                                                                             "quantity": 1, "unit_price": 1,
                                                                             "reason": "z"}})
    assert response.status_code == 201  # CSRF protection is on (TESTING does not disable it)
    assert response.get_json()["started_by"] == "alice"


def test_a_deactivated_users_token_stops_working(api_app: Flask, api_client: ApiClient) -> None:
    assert api_client.get("/tasks", "dave").status_code == 200
    with api_app.app_context():
        db.session.scalar(select(User).where(User.username == "dave")).active = False
        db.session.commit()
    assert api_client.get("/tasks", "dave").status_code == 401


def test_a_login_session_cookie_does_not_authenticate_the_api(api_app: Flask, api_client: ApiClient) -> None:
    with api_app.app_context():
        alice_id = db.session.scalar(select(User.id).where(User.username == "alice"))
    with api_client.client.session_transaction() as session:
        session["_user_id"] = str(alice_id)
        session["_fresh"] = True
    assert api_client.get("/tasks").status_code == 401


def test_unknown_api_path_and_wrong_method_answer_json(api_client: ApiClient) -> None:
    response = api_client.get("/nothing-here", "alice")
    assert response.status_code == 404 and response.is_json
    response = api_client.call("DELETE", "/tasks", "alice")
    assert response.status_code == 405 and response.is_json
    assert response.get_json()["error"] == "method not allowed"
