"""The audit screen: an auditor finds who did what, when and from where, pages through it and exports it."""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine import AuditEntry, Event
from webui.extensions import db

Login = Callable[..., FlaskClient]


def _rows(html: str) -> int:
    return html.count('data-testid="audit-row"')


def test_an_auditor_finds_an_export_a_comment_and_a_requests_steps(app: Flask, login: Login,
                                                                     purchase: Callable[..., int]) -> None:
    instance_id = purchase()
    alice = login("alice")
    alice.post(f"/instances/{instance_id}/comments", data={"body": "urgent, please"},
               environ_base={"REMOTE_ADDR": "10.1.2.3"})
    login("ivy").get("/procurement/suppliers/export.xlsx?category=it")
    admin = login("admin")

    exports = admin.get("/admin/audit?action=export&actor=ivy").get_data(as_text=True)
    assert _rows(exports) == 1 and "/procurement/suppliers/export.xlsx" in exports and "category" in exports
    request = admin.get(f"/admin/audit?target=instance {instance_id}").get_data(as_text=True)
    assert 'data-action="instance.comment_added"' in request and "10.1.2.3" in request
    assert 'data-action="instance.instance_started"' in request and 'data-action="instance.task_created"' in request
    assert _rows(admin.get("/admin/audit?actor=nobody").get_data(as_text=True)) == 0


def test_the_log_pages_honestly_and_exports_what_the_search_found(app: Flask, login: Login) -> None:
    admin = login("admin")
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(Event))
    assert events > 50, "the demo company's requests"
    first = admin.get("/admin/audit?action=instance.").get_data(as_text=True)
    assert _rows(first) == 50 and 'data-testid="older"' in first and "more follow" in first
    assert 'data-testid="newer"' not in first
    second = admin.get("/admin/audit?action=instance.&offset=50").get_data(as_text=True)
    assert 'data-testid="newer"' in second
    sheet = admin.get("/admin/audit/export.xlsx?action=instance.")
    rows = list(load_workbook(io.BytesIO(sheet.data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("Time", "Who", "Address", "Action") and len(rows) - 1 == events
    assert admin.get("/admin/audit?since=yesterday").status_code == 400


def test_only_administrators_read_it_and_nobody_changes_it_over_the_web(app: Flask, login: Login) -> None:
    for who in ("alice", "bob", "lily"):
        assert login(who).get("/admin/audit").status_code == 403
        assert login(who).get("/admin/audit/export.xlsx").status_code == 403
    admin = login("admin")
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert admin.open("/admin/audit", method=method).status_code == 405
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "export")) == 0, "a refused export is no export"


def test_sign_ins_and_failed_sign_ins_are_in_the_log_with_their_address(app: Flask, client: FlaskClient,
                                                                           login: Login) -> None:
    for username, password in (("bob", "wrong password"), ("nobody-here", "x"), ("bob", "demo")):
        client.post("/login", data={"username": username, "password": password},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})
    with app.app_context():
        rows = db.session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.address)
                                  .where(AuditEntry.action.startswith("login")).order_by(AuditEntry.id)).all()
    assert [tuple(r) for r in rows] == [("bob", "login.failed", "203.0.113.9"),
                                        ("nobody-here", "login.failed", "203.0.113.9"),
                                        ("bob", "login", "203.0.113.9")]
    html = login("admin").get("/admin/audit?action=login").get_data(as_text=True)
    assert 'data-action="login.failed"' in html and "203.0.113.9" in html
