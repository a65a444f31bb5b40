"""The approver's workplace in a real browser: claim, decide, field errors, bulk, delegate, deputy,
comments with mentions, attachments and the language switch.

The server runs the real app with a small process of the tests' own (`quick_review`, which allows bulk
approval) deployed beside the shipped ones; requests are started through the engine, as alice.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from browser_steps import sign_in
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from engine import Actor, utcnow
from engine.parser import SourceFile
from webui import create_app
from webui.cli import prepare
from webui.extensions import db, workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]

FORM = {"fields": [
    {"name": "decision", "type": "choice", "required": True, "choices": ["approve", "reject", "return"],
     "choice_labels": {"return": {"en": "Return to requester", "zh_CN": "退回申请人"}}},
    {"name": "comment", "type": "text", "required_if": {"decision": "reject"},
     "label": {"en": "Comment", "zh_CN": "意见"}}]}
XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_quick" targetNamespace="http://t">
<bpmn:process id="quick_review" name="Quick review" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:userTask id="review" name="Review">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="candidate_group" value="group" />
      <spiffworkflow:property name="title" value="&quot;Quick &quot; + item" />
      <spiffworkflow:property name="form" value="review" />
      <spiffworkflow:property name="exclude_requester" value="true" />
      <spiffworkflow:property name="bulk_approve" value="true" />
    </spiffworkflow:properties></bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
</bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask]]:
    from engine import Bundle

    path = tmp_path_factory.mktemp("workplace") / "opsflow.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "browser-tests"})
    prepare(app)
    with app.app_context():
        workflow_engine().deploy_bundle(Bundle(SourceFile("quick_review.bpmn", XML.encode()), (), (("review", FORM),)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(served: tuple[str, Flask]) -> str:
    return served[0]


@pytest.fixture
def request_review(served: tuple[str, Flask]) -> Callable[..., str]:
    """Start a quick review as alice for the given group; returns the title its task shows."""
    app = served[1]

    def _start(item: str, group: str = "IT-managers") -> str:
        with app.app_context():
            workflow_engine().start("quick_review", {"item": item, "group": group},
                                    Actor("alice", frozenset({"requesters"})))
        return f"Quick {item}"
    return _start


def row(page: Page, title: str):  # noqa: ANN201
    return page.get_by_test_id("task-row").filter(has_text=title)


def test_claim_approve_with_comment_field_error_and_reject(new_page: NewPage, request_review) -> None:  # noqa: ANN001
    first, second = request_review("Stapler"), request_review("Shredder")
    page = new_page()
    sign_in(page, "bob")
    page.goto("/inbox?tab=group&q=Quick S")
    row(page, first).get_by_test_id("claim").click()
    expect(page).to_have_url(re.compile(r"tab=mine"))
    expect(row(page, first)).to_be_visible()
    row(page, first).locator("a.row-title").click()
    page.locator("#f-comment").fill("Cheap and needed")
    page.get_by_test_id("decide-approve").click()
    expect(page.locator(".flash")).to_contain_text(f"Approved: {first}")
    page.goto("/inbox?tab=group&q=" + second)
    row(page, second).locator("a.row-title").click()
    expect(page.get_by_test_id("decide-return")).to_have_text("Return to requester")  # whatever the form offers
    page.get_by_test_id("decide-reject").click()
    expect(page.get_by_test_id("error-comment")).to_be_visible()  # the error sits at the field
    expect(page.locator("[data-field=comment].has-error")).to_have_count(1)
    page.locator("#f-comment").fill("We have one already")
    page.get_by_test_id("decide-reject").click()
    expect(page.locator(".flash")).to_contain_text(f"Rejected: {second}")


def test_bulk_approve_selected_tasks(new_page: NewPage, request_review) -> None:  # noqa: ANN001
    titles = [request_review(item) for item in ("Pens", "Paper")]
    page = new_page()
    sign_in(page, "bob")
    page.goto("/inbox?tab=group&q=Quick P")
    for title in titles:
        row(page, title).get_by_test_id("select-task").check()
    page.get_by_test_id("bulk-approve").click()
    expect(page.locator(".flash.success")).to_contain_text("Approved 2 task(s).")
    page.goto("/inbox?tab=done&q=Quick P")
    expect(page.get_by_test_id("task-row")).to_have_count(2)


def test_delegate_then_deputy_takes_over(new_page: NewPage, request_review) -> None:  # noqa: ANN001
    title = request_review("Projector")
    bob = new_page()
    sign_in(bob, "bob")
    bob.goto("/inbox?tab=group&q=Projector")
    row(bob, title).locator("a.row-title").click()
    bob.get_by_test_id("delegate").locator("summary").click()
    bob.get_by_test_id("delegate-to").select_option("carol")
    bob.get_by_test_id("delegate-reason").fill("Finance should look at this")
    bob.get_by_test_id("delegate-submit").click()
    expect(bob.locator(".flash")).to_contain_text("was handed to")
    expect(row(bob, title)).to_contain_text("now with")

    carol = new_page()
    sign_in(carol, "carol")
    expect(row(carol, title)).to_be_visible()  # in her own queue now
    carol.get_by_test_id("away-link").click()
    carol.get_by_test_id("deputy").select_option("dave")
    carol.get_by_test_id("starts-on").fill(utcnow().date().isoformat())
    carol.get_by_test_id("ends-on").fill((utcnow().date() + timedelta(days=2)).isoformat())
    carol.get_by_test_id("set-away").click()
    expect(carol.get_by_test_id("absence")).to_contain_text("deputy")

    dave = new_page()
    sign_in(dave, "dave")
    dave.goto("/inbox?tab=mine&q=Projector")
    expect(row(dave, title)).to_be_visible()  # carol's task went to her deputy
    dave.get_by_test_id("nav-bell").click()
    expect(dave.get_by_test_id("notification").first).to_contain_text("handed you")


def test_comment_mention_attachment_and_language(new_page: NewPage, request_review, tmp_path) -> None:  # noqa: ANN001
    title = request_review("Scanner")
    bob = new_page(viewport={"width": 390, "height": 844})  # a phone
    sign_in(bob, "bob")
    bob.goto("/inbox?tab=group&q=Scanner")
    row(bob, title).locator("a.row-title").click()
    bob.get_by_test_id("comment-body").fill("@alice which model do you need?")
    bob.get_by_test_id("comment-submit").click()
    expect(bob.get_by_test_id("comment")).to_contain_text("which model")
    upload = tmp_path / "quote.pdf"
    upload.write_bytes(b"%PDF-1.4 scanner quote")
    bob.get_by_test_id("attachment-file").set_input_files(str(upload))
    bob.get_by_test_id("attachment-submit").click()
    expect(bob.get_by_test_id("attachment")).to_contain_text("quote.pdf")

    alice = new_page()
    sign_in(alice, "alice")
    expect(alice.get_by_test_id("bell-count")).to_be_visible()
    alice.get_by_test_id("nav-bell").click()
    mention = alice.get_by_test_id("notification").filter(has_text="mentioned you")
    expect(mention).to_contain_text("which model")
    mention.locator("a").click()
    expect(alice.get_by_test_id("comment")).to_contain_text("which model")  # straight to the thread
    with alice.expect_download() as download:
        alice.get_by_test_id("attachment").locator("a").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == b"%PDF-1.4 scanner quote"
    alice.get_by_test_id("language").select_option("zh_CN")
    expect(alice.get_by_test_id("nav-inbox")).to_contain_text("待办")
    alice.goto("/inbox")
    expect(alice.get_by_test_id("tab-mine")).to_contain_text("我的任务")
