"""The help pages: the manuals in the reader's language, their pictures, and what they refuse."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from webui.help.manual import ROLES


def test_signed_out_the_manuals_ask_for_a_sign_in(client: FlaskClient) -> None:
    assert client.get("/help/").status_code == 302
    assert client.get("/help/screenshots/en/approver-inbox.jpg").status_code == 302


def test_a_manual_reads_in_the_readers_language_with_its_pictures_and_links(login) -> None:
    alice = login("alice", "zh_CN")
    page = alice.get("/help/approver").get_data(as_text=True)
    assert "<h1>审批人：处理等您决定的事项</h1>" in page
    pictures = re.findall(r'<img src="([^"]+)"', page)
    assert pictures == ["/help/screenshots/zh_CN/approver-inbox.jpg", "/help/screenshots/zh_CN/approver-task.jpg"]
    assert 'href="/help/requester"' in page
    picture = alice.get(pictures[0])
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg" and len(picture.data) > 10_000

    english = login("bob", "en").get("/help/approver").get_data(as_text=True)
    assert "<h1>Approver: deciding what waits for you</h1>" in english
    assert "/help/screenshots/en/approver-inbox.jpg" in english


def test_the_index_lists_every_manual_and_marks_the_readers_own(login) -> None:
    page = login("dave", "en").get("/help/").get_data(as_text=True)
    listed = re.findall(r'data-testid="manual-([a-z]+)"', page)
    assert sorted(listed) == sorted(r.name for r in ROLES)
    assert listed[:2] == ["approver", "designer"]  # dave designs, and anyone may have tasks to decide


def test_unknown_manuals_and_pictures_are_not_found(login) -> None:
    alice = login("alice")
    assert alice.get("/help/payroll").status_code == 404
    for path in ("/help/screenshots/en/..%2f..%2fREADME.md", "/help/screenshots/fr/approver-inbox.jpg",
                 "/help/screenshots/en/approver-inbox.png", "/help/screenshots/en/missing.jpg"):
        assert alice.get(path).status_code == 404, path
