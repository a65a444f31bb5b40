"""Helpers for the REST API tests: a JSON client for /api/v1 and a purchase request to start.

Kept apart from api_fixtures.py (a pytest plugin) so test modules can import
these names without importing the plugin before pytest does.
"""
from __future__ import annotations

from typing import Any

from api_conformance import check
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine import create_token, create_user
from webui.extensions import db

DEMO_USERS = ("alice", "bob", "carol", "dave", "admin")
PURCHASE = {"item": "Rack server", "supplier": "Huawei", "quantity": 10, "unit_price": 12000.0,
            "reason": "data centre expansion"}  # 120,000: the manager, then the finance director


class ApiClient:
    """The Flask test client speaking to /api/v1 as one of the demo users."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def call(self, method: str, path: str, user: str | None = None, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        response = self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        check(self.client.application, method, path, response)
        return response

    def get(self, path: str, user: str | None = None, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, user: str | None = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, user, **kwargs)

    def items(self, path: str, user: str | None = None) -> list[Any]:
        """The items of one page of a list (the first, unless `path` carries a cursor)."""
        response = self.get(path, user)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    def every(self, path: str, user: str, limit: int) -> tuple[list[Any], int]:
        """Every item of a list, read page by page as a client would: by the Link header's next page,
        checked against the body's `next`; also how many pages it took."""
        items: list[Any] = []
        url: str | None = f"/api/v1{path}{'&' if '?' in path else '?'}limit={limit}"
        pages = 0
        while url is not None:
            response = self.client.get(url, headers={"Authorization": f"Bearer {self.tokens[user]}"})
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            assert len(body["items"]) <= limit
            items += body["items"]
            pages += 1
            link = response.headers.get("Link")
            assert (link is None) == (body["next"] is None), (link, body["next"])
            if link is not None:
                assert link.endswith('>; rel="next"') and f"cursor={body['next']}" in link
                url = link[1:link.index(">")]
            else:
                url = None
        return items, pages

    def start_purchase(self, user: str = "alice", **fields: Any) -> dict[str, Any]:
        response = self.post("/process-instances", user,
                             json={"process": "purchase_approval", "data": {**PURCHASE, **fields}})
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def open_task(instance: dict[str, Any]) -> dict[str, Any]:
    """The one open task of an instance (purchase approval has at most one at a time)."""
    [task] = [t for t in instance["tasks"] if t["status"] == "open"]
    return task


def add_user(app: Flask, username: str, **kwargs: Any) -> str:
    """Create a user and return a bearer token for them."""
    with app.app_context():
        create_user(db.session, username, "demo", check_policy=False, **kwargs)
        db.session.commit()
        token = create_token(db.session, username, scope="act")
        db.session.commit()
    return token
