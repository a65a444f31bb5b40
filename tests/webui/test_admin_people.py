"""People on the admin screens: an administrator adds, changes, deactivates and resets accounts, and
names deputies; each change takes effect at once and is in the audit log."""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import AuditEntry, Group, User
from webui.extensions import db

Login = Callable[..., FlaskClient]


def _signs_in(app: Flask, username: str, password: str) -> bool:
    return app.test_client().post("/login", data={"username": username, "password": password}).status_code == 302


def _actions(app: Flask, username: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target == f"user {username}",
                                                                       AuditEntry.action.startswith("admin."))
                                       .order_by(AuditEntry.id)))


def test_an_administrator_adds_a_person_who_signs_in_with_the_password_shown_once(app: Flask, login: Login) -> None:
    admin = login("admin")
    page = admin.post("/admin/people", data={
        "username": "mei", "display_name": "Mei 梅", "department": "IT", "groups": ["requesters"],
        "new_groups": "auditors", "roles": ["requester"]})
    assert page.status_code == 201
    password = re.search(r'data-testid="new-password">([^<]+)<', page.get_data(as_text=True)).group(1)
    assert _signs_in(app, "mei", password)
    with app.app_context():
        mei = db.session.scalar(select(User).where(User.username == "mei"))
        assert (mei.department, mei.group_names, mei.role_names) == ("IT", ["auditors", "requesters"], ["requester"])
    assert _actions(app, "mei")[0] == "admin.user_created"
    listed = admin.get("/admin/people?q=mei").get_data(as_text=True)
    assert listed.count('data-testid="person"') == 1


def test_a_weak_password_an_unknown_role_or_a_taken_name_adds_no_one(app: Flask, login: Login) -> None:
    admin = login("admin")
    for form, message in (({"username": "neo", "password": "short"}, "at least 10 characters"),
                          ({"username": "neo", "roles": ["wizard"]}, "unknown role: wizard"),
                          ({"username": "bob"}, "bob is taken"), ({"username": "a b"}, "letters, digits")):
        shown = admin.post("/admin/people", data=form, follow_redirects=True).get_data(as_text=True)
        assert message in shown, message
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "neo")) is None


def test_a_new_group_puts_its_tasks_in_the_persons_queue_and_the_change_is_audited(app: Flask, login: Login,
                                                                                   purchase: Callable) -> None:
    purchase()  # IT's managers decide it
    assert "Docking station" not in login("alice").get("/inbox?queue=group").get_data(as_text=True)
    login("admin").post("/admin/people/alice", data={"display_name": "Alice 王丽", "department": "IT",
                                                     "groups": ["requesters", "IT-managers"], "roles": ["requester"]})
    assert "Docking station" not in login("alice").get("/inbox?queue=group").get_data(as_text=True), \
        "her own request stays out of her queue"
    purchase(requester="dave")
    assert "Docking station" in login("alice").get("/inbox?queue=group").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "admin.user_changed")).one()
    assert entry.detail["groups"] == [["requesters"], ["IT-managers", "requesters"]] and entry.actor == "admin"


def test_deactivating_ends_the_persons_sessions_and_resetting_the_password_too(app: Flask, login: Login) -> None:
    frank = login("frank")
    assert frank.get("/inbox").status_code == 200
    admin = login("admin")
    admin.post("/admin/people/frank/active", data={"active": "0"})
    assert frank.get("/inbox").status_code == 302, "signed out at once"
    assert not _signs_in(app, "frank", "demo")
    admin.post("/admin/people/frank/active", data={"active": "1"})
    again = login("frank")
    reset = admin.post("/admin/people/frank/password").get_data(as_text=True)
    password = re.search(r'data-testid="new-password">([^<]+)<', reset).group(1)
    assert again.get("/inbox").status_code == 302
    assert _signs_in(app, "frank", password) and not _signs_in(app, "frank", "demo")
    assert _actions(app, "frank") == ["admin.user_deactivated", "admin.user_activated", "admin.password_reset"]


def test_an_administrator_names_a_deputy_for_someone_away(app: Flask, login: Login) -> None:
    admin = login("admin")
    page = admin.post("/admin/people/bob/away", data={"deputy": "carol", "starts_on": "2026-01-05",
                                                      "ends_on": "2030-01-09"}, follow_redirects=True)
    assert "carol stands in for bob" in page.get_data(as_text=True)
    assert 'data-testid="absence"' in admin.get("/admin/people/bob").get_data(as_text=True)
    refused = admin.post("/admin/people/bob/away", data={"deputy": "bob", "starts_on": "2026-01-05",
                                                         "ends_on": "2026-01-09"}, follow_redirects=True)
    assert "must be someone else" in refused.get_data(as_text=True)


def test_only_administrators_manage_people(login: Login) -> None:
    for who in ("bob", "lily"):
        client = login(who)
        assert client.get("/admin/people").status_code == 403
        assert client.post("/admin/people", data={"username": "x1"}).status_code == 403
        assert client.post("/admin/people/alice/active", data={"active": "0"}).status_code == 403


def test_groups_list_their_members_and_rights_and_only_an_empty_one_can_go(app: Flask, login: Login) -> None:
    admin = login("admin")
    page = admin.get("/admin/groups").get_data(as_text=True)
    assert 'data-name="hr"' in page and "lily" in page and "records:hr.reviews · read_all" in page
    assert admin.post("/admin/groups", data={"name": "auditors"}).status_code == 302
    with app.app_context():
        ids = {g.name: g.id for g in db.session.scalars(select(Group))}
    kept = admin.post(f"/admin/groups/{ids['hr']}/delete", follow_redirects=True).get_data(as_text=True)
    assert "hr still has members" in kept
    admin.post(f"/admin/groups/{ids['auditors']}/delete")
    assert 'data-name="auditors"' not in admin.get("/admin/groups").get_data(as_text=True)
    assert login("bob").get("/admin/groups").status_code == 403
    with app.app_context():
        assert [a for (a,) in db.session.execute(select(AuditEntry.action).where(
            AuditEntry.action.startswith("admin.group")))] == ["admin.group_created", "admin.group_removed"]
