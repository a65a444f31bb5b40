"""Connections: an administrator names the systems flows call; a designer picks `http.request` for a step."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from engine import AuditEntry
from webui.extensions import db

Login = Callable[..., FlaskClient]


def test_an_administrator_adds_and_changes_a_connection_whose_secret_stays_hidden(app: Flask, login: Login) -> None:
    admin = login("admin")
    saved = admin.post("/admin/connections", data={"name": "bank", "base_url": "https://bank.example.cn/api",
                                                   "auth": "bearer", "credentials": "tok-123456"})
    assert saved.status_code == 302
    page = admin.get("/admin/connections").get_data(as_text=True)
    assert 'data-name="bank"' in page and "https://bank.example.cn/api" in page and "credentials stored" in page
    assert "tok-123456" not in page
    admin.post("/admin/connections", data={"name": "bank", "base_url": "https://bank2.example.cn", "auth": "bearer"})
    with app.app_context():
        stored = db.session.execute(text("SELECT base_url, credentials FROM integration_connections")).one()
        audits = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "admin.connection_saved")))
    assert stored[0] == "https://bank2.example.cn" and stored[1].startswith("enc1:")  # kept, encrypted
    assert [a.detail["credentials_changed"] for a in audits] == [True, False]
    assert all("tok-123456" not in json.dumps(a.detail) for a in audits)


def test_a_bad_connection_is_refused_naming_each_field(login: Login) -> None:
    page = login("admin").post("/admin/connections", data={"name": "", "base_url": "bank", "auth": "header"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert all(f'data-testid="error-{f}"' in html for f in ("name", "base_url", "header_name", "credentials"))


def test_only_administrators_see_connections(login: Login) -> None:
    for who in ("alice", "dave"):
        assert login(who).get("/admin/connections").status_code == 403
        assert login(who).post("/admin/connections", data={"name": "x"}).status_code == 403


def test_the_designer_offers_http_request_with_its_parameters(login: Login) -> None:
    page = login("dave").get("/designer/purchase_approval").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="designer-data">(.*?)</script>', page, re.S)
    operations = json.loads(found.group(1))["operations"]
    assert operations["http.request"] == ["connection", "path", "method", "body", "response", "headers",
                                           "response_map"]
    assert "procurement.create_purchase_order" in operations
