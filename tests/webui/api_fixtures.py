"""Fixtures for the REST API tests, loaded with `pytest_plugins = ["api_fixtures"]`.

Every name starts with `api_` so that nothing here shadows, or is shadowed
by, the screen tests' fixtures in tests/webui/conftest.py.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_helpers import DEMO_USERS, ApiClient
from flask import Flask

from engine import create_token
from webui import create_app
from webui.extensions import db


@pytest.fixture
def api_app(demo_database_url: str) -> Iterator[Flask]:
    """The app on a fresh database with the processes deployed and the demo users and requests seeded."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": demo_database_url, "TESTING": True, "SECRET_KEY": "api-tests"})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def api_tokens(api_app: Flask) -> dict[str, str]:
    with api_app.app_context():
        tokens = {name: create_token(db.session, name, scope="admin" if name == "admin" else "act")
                  for name in DEMO_USERS}
        db.session.commit()
    return tokens


@pytest.fixture
def api_client(api_app: Flask, api_tokens: dict[str, str]) -> ApiClient:
    return ApiClient(api_app.test_client(), api_tokens)
