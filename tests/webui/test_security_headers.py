"""Security headers on every answer, and templates the Content-Security-Policy can hold to."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

Login = Callable[..., FlaskClient]
TEMPLATES = Path(__file__).resolve().parents[2] / "webui" / "templates"
STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def assert_guarded(headers, csp: str = STRICT) -> None:
    assert headers["Content-Security-Policy"] == csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_api_answers_files_and_errors_all_carry_the_headers(client: FlaskClient, login: Login) -> None:
    bob = login("bob")
    for response in (client.get("/login"), bob.get("/inbox"), bob.get("/account/"), bob.get("/no-such-page"),
                     client.get("/api/v1/processes"), client.get("/static/opsflow.js")):
        assert_guarded(response.headers)
    assert bob.get("/inbox").headers["Cache-Control"] == "no-store", "a signed-in page is not kept after sign-out"


def test_only_the_designer_allows_inline_style_attributes_and_data_images(login: Login) -> None:
    dave = login("dave")
    response = dave.get("/designer/purchase_approval")
    assert response.status_code == 200
    assert_guarded(response.headers, STRICT.replace("img-src 'self'", "img-src 'self' data:")
                   + "; style-src-attr 'unsafe-inline'")
    assert_guarded(dave.get("/designer/").headers)


INLINE = {
    "event-handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.S),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.S),
    "<style> element": re.compile(r"<style[\s>]"),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>"),
}


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_needs_unsafe_inline(template: str) -> None:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    assert {what for what, pattern in INLINE.items() if pattern.search(text)} == set()
