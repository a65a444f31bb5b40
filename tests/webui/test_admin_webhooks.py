"""The webhook screen: an administrator subscribes a system, it receives signed deliveries, the log shows them."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from http_receiver import Receiver
from openpyxl import load_workbook
from sqlalchemy import select

from engine import AuditEntry, utcnow
from engine.integration import webhooks
from webui.extensions import db

Login = Callable[..., FlaskClient]


def add(admin: FlaskClient, url: str, events: list[str], name: str = "ERP") -> str:
    page = admin.post("/admin/webhooks", data={"name": name, "url": url, "events": events})
    assert page.status_code == 200
    return re.search(r'data-testid="webhook-secret">([^<]+)<', page.get_data(as_text=True)).group(1)


def run_jobs(app: Flask) -> None:
    app.extensions["opsflow.scheduler"].runner.run_due(utcnow() + timedelta(seconds=1), "test")


def test_a_subscribed_system_receives_signed_deliveries_listed_in_the_log(
        app: Flask, login: Login, receiver: Receiver, purchase: Callable[..., int]) -> None:
    admin = login("admin")
    secret = add(admin, f"{receiver.url}/opsflow", ["instance.started", "task.created"])
    instance_id = purchase()
    run_jobs(app)
    assert sorted(r.json()["event"] for r in receiver.requests) == ["instance.started", "task.created"]
    for got in receiver.requests:
        assert got.json()["instance"]["id"] == instance_id
        assert webhooks.verify(secret, got.headers, got.body.decode(), utcnow())
    page = admin.get("/admin/webhooks").get_data(as_text=True)
    assert page.count('data-testid="delivery"') == 2 and 'data-status="sent"' in page
    assert "2 sent · 0 waiting · 0 failed" in page
    sheet = admin.get("/admin/webhooks/deliveries.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("#", "Subscription", "Event", "Request", "Status") and len(rows) == 3
    assert {r[4] for r in rows[1:]} == {"sent"}


def test_a_disabled_subscription_gets_nothing_and_every_change_is_audited(
        app: Flask, login: Login, receiver: Receiver, purchase: Callable[..., int]) -> None:
    admin = login("admin")
    add(admin, receiver.url, ["instance.started"])
    with app.app_context():
        sub_id = db.session.scalar(select(webhooks.WebhookSubscription.id))
    assert admin.post(f"/admin/webhooks/{sub_id}/disable").status_code == 302
    purchase()
    run_jobs(app)
    assert receiver.requests == []
    assert 'data-active="no"' in admin.get("/admin/webhooks").get_data(as_text=True)
    admin.post(f"/admin/webhooks/{sub_id}/enable")
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("admin.webhook%"))
                                          .order_by(AuditEntry.id)))
    assert actions == ["admin.webhook_added", "admin.webhook_disabled", "admin.webhook_enabled"]
    assert admin.post("/admin/webhooks/9999/disable").status_code == 404


def test_a_bad_subscription_is_refused_naming_each_field(app: Flask, login: Login) -> None:
    page = login("admin").post("/admin/webhooks", data={"name": "", "url": "file:///etc/passwd"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert all(f'data-testid="error-{f}"' in html for f in ("name", "url", "events"))
    with app.app_context():
        assert db.session.scalar(select(webhooks.WebhookSubscription.id)) is None


def test_the_log_pages_honestly(app: Flask, login: Login, receiver: Receiver, purchase: Callable[..., int]) -> None:
    admin = login("admin")
    add(admin, receiver.url, ["instance.started", "task.created"])
    for _ in range(26):
        purchase()
    first = admin.get("/admin/webhooks").get_data(as_text=True)
    assert first.count('data-testid="delivery"') == 50 and "more follow" in first and 'data-testid="older"' in first
    rest = admin.get("/admin/webhooks?offset=50").get_data(as_text=True)
    assert rest.count('data-testid="delivery"') == 2 and "more follow" not in rest
    assert admin.get("/admin/webhooks?status=lost").status_code == 400


def test_only_administrators_see_or_change_webhooks(login: Login) -> None:
    for who in ("alice", "bob"):
        client = login(who)
        assert client.get("/admin/webhooks").status_code == 403
        assert client.get("/admin/webhooks/deliveries.xlsx").status_code == 403
        assert client.post("/admin/webhooks", data={"name": "x", "url": "http://x", "events": ["incident"]}
                           ).status_code == 403
