"""The administrator subscribes the ERP to new requests, gives it the secret, watches the delivery log fill,
exports it and disables the subscription; a designer picks `http.request` for a service step."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from browser_steps import open_budget_check_in_designer, sign_in
from http_receiver import Receiver
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import User, utcnow
from engine.integration import webhooks
from webui.extensions import actor_for, db

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def test_admin_subscribes_a_system_and_follows_its_deliveries(new_page: NewPage, live_app: Any,
                                                              receiver: Receiver) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-webhooks").click()
    expect(page.get_by_test_id("no-deliveries")).to_be_visible()
    page.get_by_test_id("add-webhook").click()
    expect(page.get_by_test_id("error-url")).to_be_visible()
    page.locator("#w-name").fill("ERP")
    page.locator("#w-url").fill(f"{receiver.url}/opsflow")
    page.get_by_label("instance.started").check()
    page.get_by_test_id("add-webhook").click()
    secret = page.get_by_test_id("webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    page.get_by_role("link", name="Back to webhooks").click()
    row = page.get_by_test_id("subscription")
    expect(row).to_have_attribute("data-active", "yes")
    expect(row).to_contain_text("instance.started")

    engine = live_app.extensions["opsflow.engine"]
    data = {"item": "Monitor", "supplier": "ACME", "quantity": 1, "unit_price": 900.0, "reason": "broken",
            "department": "IT"}
    with live_app.app_context():
        alice = actor_for(db.session.scalar(select(User).where(User.username == "alice")))
    instance_id = engine.start("purchase_approval", data, alice).id
    live_app.extensions["opsflow.scheduler"].runner.run_due(utcnow() + timedelta(seconds=1), "browser-test")
    [got] = receiver.requests
    assert got.json()["instance"]["id"] == instance_id
    assert webhooks.verify(secret, got.headers, got.body.decode(), utcnow())

    page.reload()
    expect(page.get_by_test_id("delivery")).to_have_count(1)
    expect(page.get_by_test_id("delivery")).to_have_attribute("data-status", "sent")
    expect(row).to_contain_text("1 sent · 0 waiting · 0 failed")
    page.locator("#l-status").select_option("failed")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("no-deliveries")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    with open(download.value.path(), "rb") as fh:
        sheet = load_workbook(io.BytesIO(fh.read()), read_only=True).worksheets[0]
        assert [r[4] for r in sheet.iter_rows(values_only=True)] == ["Status"]  # the filter holds in the export

    page.get_by_test_id("disable").click()
    expect(page.locator(".flash")).to_contain_text("ERP gets no new deliveries")
    expect(page.get_by_test_id("subscription")).to_have_attribute("data-active", "no")


def test_a_designer_picks_http_request_for_a_service_step(new_page: NewPage) -> None:
    page = new_page()
    panel = open_budget_check_in_designer(page)
    panel.locator('[data-field="parameters"]').fill("")
    panel.locator('[data-field="operation"]').select_option("http.request")
    expect(panel.locator('[data-field="parameters"]')).to_have_value(
        "connection = connection\npath = path\nmethod = method\nbody = body\nresponse = response\nheaders = headers\n"
        "response_map = response_map")
