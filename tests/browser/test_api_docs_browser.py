"""The API docs page in a real browser: Swagger UI draws OpsFlow's description, the CSP blocks nothing."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_every_operation_with_its_schemas(new_page: Callable[..., Page]) -> None:
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("OpsFlow API")
    expect(page.locator(".opblock-summary-path", has_text="/process-instances/{instance_id}/cancel")).to_be_visible()
    page.locator(".opblock-summary-path", has_text="/tasks/{task_id}/complete").first.click()
    expect(page.locator(".opblock-body").first).to_contain_text("Request body")
    expect(page.locator(".opblock-body").first).to_contain_text("the instance")
    base = page.url.split("/api/v1")[0]
    assert requests and all(url.startswith(base) or url.startswith("data:") for url in requests), requests
