"""Web UI fixtures: app → client → a signed-in client, on a real migrated database.

`demo_database_url` holds what `prepare` makes of a new install (processes
deployed, demo users and requests), so every test starts from the same
living system a new install shows. CSRF is
off for the everyday fixtures (tests post forms directly); `csrf_app` keeps
it on for the tests that prove it is enforced.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from engine import Actor, User, WorkflowEngine, create_user
from webui import create_app
from webui.extensions import actor_for, db, workflow_engine

Login = Callable[..., FlaskClient]


def _app(database_url: str, **config: Any) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SECRET_KEY": "test",
                      **config})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(demo_database_url: str) -> Iterator[Flask]:
    yield from _app(demo_database_url, WTF_CSRF_ENABLED=False)


@pytest.fixture
def csrf_app(demo_database_url: str) -> Iterator[Flask]:
    yield from _app(demo_database_url)


@pytest.fixture
def cli_app(database_url: str) -> Iterator[Flask]:
    """The app on a migrated, empty database: nothing deployed, nobody seeded (for the CLI tests)."""
    yield from _app(database_url, WTF_CSRF_ENABLED=False)


@pytest.fixture
def runner(cli_app: Flask) -> FlaskCliRunner:
    return cli_app.test_cli_runner()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def engine(app: Flask) -> WorkflowEngine:
    with app.app_context():
        return workflow_engine()


@pytest.fixture
def login(app: Flask) -> Login:
    """A fresh client signed in as the given demo user (English unless another locale is asked for)."""
    def _login(username: str, locale: str = "en") -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": "demo"})
        assert response.status_code == 302, response.get_data(as_text=True)
        client.post("/language", data={"locale": locale})
        return client
    return _login


@pytest.fixture
def actor(app: Flask) -> Callable[[str], Actor]:
    """The engine's Actor for a user, built the way the web layer builds it."""
    def _actor(username: str) -> Actor:
        with app.app_context():
            return actor_for(db.session.scalar(select(User).where(User.username == username)))
    return _actor


@pytest.fixture
def add_user(app: Flask) -> Callable[..., None]:
    """Create another account (password demo), e.g. someone from another department."""
    def _add(username: str, department: str, groups: list[str] | None = None,
             roles: list[str] | None = None) -> None:
        with app.app_context():
            create_user(db.session, username, "demo", groups=groups or ["requesters"],
                        roles=roles or ["requester"], department=department, display_name=username.title(),
                        check_policy=False)
            db.session.commit()
    return _add


@pytest.fixture
def purchase(engine: WorkflowEngine, actor: Callable[[str], Actor]) -> Callable[..., int]:
    """Start a purchase request as the form does (alice by default); returns the instance id."""
    def _purchase(quantity: int = 2, unit_price: float = 3000.0, item: str = "Docking station",
                  requester: str = "alice") -> int:
        data = {"item": item, "supplier": "ACME", "quantity": quantity, "unit_price": unit_price,
                "reason": "new hire", "department": "IT"}
        return engine.start("purchase_approval", data, actor(requester)).id
    return _purchase


@pytest.fixture
def open_task(engine: WorkflowEngine) -> Callable[[int], str]:
    """The id of the instance's open human task."""
    def _open_task(instance_id: int) -> str:
        return next(t.id for t in engine.get(instance_id).tasks if t.status == "open")
    return _open_task
