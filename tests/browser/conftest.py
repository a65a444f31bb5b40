"""Real-browser fixtures: OpsFlow served on a free local port, driven by Debian's chromium.

The server runs the real app (CSRF on, demo data seeded) on its own SQLite
file, in a background thread, for the whole module; each test gets a fresh
browser context, so cookies never leak between the people a test plays.
Whatever the Content-Security-Policy blocks on any page a test opens (the
browser reports it on the console) fails that test: no screen may depend on
something the policy forbids.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_databases import copy_demo
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from webui import create_app
from webui.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def live_server_config() -> dict[str, Any]:
    """Settings a test module adds to the served app's, by defining a fixture of this name."""
    return {}




@pytest.fixture(scope="module")
def served_app(_demo_template: str, tmp_path_factory: pytest.TempPathFactory,
               live_server_config: dict[str, Any]) -> Iterator[tuple[str, Flask]]:
    """The served app and its address: a test may also act on it as the scheduler or another system would."""
    url = copy_demo(_demo_template, tmp_path_factory.mktemp("browser"), "browser")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser-tests", **live_server_config})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_app(served_app: tuple[str, Flask]) -> Any:
    """The Flask app the live server serves: for a test that must run its jobs as the scheduler would."""
    return served_app[1]


@pytest.fixture(scope="module")
def live_server(served_app: tuple[str, Flask]) -> str:
    return served_app[0]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run "
                    "the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (its own cookies), at the live server, in the given locale."""
    contexts, blocked = [], []

    def _open(locale: str = "en-US", **options: object) -> Page:
        context = browser.new_context(base_url=live_server, locale=locale, **options)
        context.set_default_timeout(5000)
        context.on("console", lambda message: blocked.append(message.text)
                   if "Content Security Policy" in message.text else None)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
    assert blocked == [], "the Content-Security-Policy blocked something on a page"
