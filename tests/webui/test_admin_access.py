"""The access screen: administrators change who reads a list or starts a flow, and it holds at once."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import AccessGrant, AuditEntry
from webui.extensions import db

Login = Callable[..., FlaskClient]
LEDGER = "records:finance.ledger"


def test_the_screen_shows_each_right_with_its_default(login: Login) -> None:
    html = login("admin").get("/admin/access").get_data(as_text=True)
    assert 'data-testid="access-process:performance_review"' in html
    assert 'data-testid="access-records:hr.reviews"' in html
    assert 'value="finance-clerks, finance-directors"' in html, "the ledger's readers"


def test_granting_a_group_the_ledger_lets_its_members_read_it_and_is_audited(app: Flask, login: Login) -> None:
    bob = login("bob")
    assert bob.get("/finance/ledger").status_code == 403
    saved = login("admin").post(f"/admin/access/{LEDGER}", data={
        "read_all": "finance-clerks, finance-directors, IT-managers", "read_department": "", "import": ""})
    assert saved.status_code == 302
    assert bob.get("/finance/ledger").status_code == 200
    assert login("alice").get("/finance/ledger").status_code == 403
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.change")).all()
    assert (entry.actor, entry.target, entry.detail["right"]) == ("admin", LEDGER, "read_all")
    assert entry.detail["before"] == ["finance-clerks", "finance-directors"]
    assert entry.detail["after"] == ["finance-clerks", "finance-directors", "IT-managers"]
    page = login("admin").get("/admin/access").get_data(as_text=True)
    assert 'data-testid="changed-read_all"' in page


def test_letting_managers_open_reviews_opens_the_start_page_to_them(login: Login) -> None:
    assert login("bob").get("/hr/reviews/new").status_code == 403
    login("admin").post("/admin/access/process:performance_review",
                        data={"start": "hr, role:manager", "see_all": "hr", "see_department": ""})
    assert login("bob").get("/hr/reviews/new").status_code == 200
    assert login("alice").get("/hr/reviews/new").status_code == 403


def test_an_unknown_group_changes_nothing_and_only_administrators_may_change(app: Flask, login: Login) -> None:
    admin = login("admin")
    response = admin.post(f"/admin/access/{LEDGER}", data={"read_all": "finance-clerks, finanse-directors"},
                          follow_redirects=True)
    assert "Unknown group or role: finanse-directors" in response.get_data(as_text=True)
    for who in ("bob", "carol"):
        assert login(who).post(f"/admin/access/{LEDGER}", data={"read_all": "*"}).status_code == 403
        assert login(who).get("/admin/access").status_code == 403
    with app.app_context():
        assert db.session.scalars(select(AccessGrant)).all() == []
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.change")).all() == []
