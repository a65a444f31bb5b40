"""`python app.py` (what `make run` ends with) says where OpsFlow listens and how to sign in; the address works,
and the tab shows OpsFlow's icon."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """`python app.py` on a fresh SQLite file and a free OPSFLOW_PORT: the address it printed, and its lines.

    Started once for the module (a fresh install writes its months of demo history first): each locale's test
    signs in from a browser context of its own."""
    tmp_path = tmp_path_factory.mktemp("app_py")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'opsflow.db'}",
           "OPSFLOW_PORT": str(_free_port()), "OPSFLOW_SCHEDULER": "off", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        for line in process.stdout or []:
            lines.append(line.rstrip())
            if line.startswith("Demo sign-in"):
                break
        ready = next((m for m in map(re.compile(r"OpsFlow is ready at (\S+)").search, lines) if m), None)
        assert ready, "app.py printed no address:\n" + "\n".join(lines)
        yield ready.group(1), lines
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_make_run_says_where_to_go_and_how_to_sign_in(browser: Browser, started: tuple[str, list[str]],
                                                      locale: str) -> None:
    url, lines = started
    assert f"OPSFLOW_PORT={url.rsplit(':', 1)[1]}" in lines[-2]
    assert "alice" in lines[-1] and "password 'demo'" in lines[-1]
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(url + "/login")
        page.locator("input[name=username]").fill("alice")
        page.locator("input[name=password]").fill("demo")
        page.locator("main button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/inbox"))
        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert icon and page.request.get(url + icon).ok
        assert "svg" in page.request.get(url + icon).headers["content-type"]
    finally:
        context.close()
