# ruff: noqa: F811  (pytest fixtures imported from workplace_fixtures are parameters here)
"""E-mail copies of notifications, sent to a real local SMTP sink (aiosmtpd) after the commit."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from tiny_bpmn import bundle
from workplace_fixtures import FORM, Clock, clock, people, review_xml  # noqa: F401  (fixtures)

from engine import Actor, WorkflowEngine, Workplace
from engine.workplace.mail import SmtpSettings, smtp_mailer


class Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its own port once started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_notifications_are_mailed_to_those_with_an_address(db: Engine, registry, clock: Clock, tmp_path: Path,  # noqa: ANN001, F811
                                                          people: dict[str, Actor], sink) -> None:  # noqa: ANN001, F811
    handler, port = sink
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_bundle(bundle(review_xml(), "expense_check.bpmn", {"review": FORM}))
    place = Workplace(eng, tmp_path, mailer=smtp_mailer(SmtpSettings("127.0.0.1", port, base_url="http://ops")))
    place.set_email("ann", "ann@example.com")
    view = eng.start("expense_check", {"item": "Lamp", "amount": 5}, people["rita"])
    assert len(handler.messages) == 1  # ann has an address; ben does not
    rcpt, msg = handler.messages[0]
    assert rcpt == ["ann@example.com"]
    assert "New task in your group" in msg["Subject"] and "Review Lamp" in msg["Subject"]
    assert f"http://ops/tasks/{view.tasks[0].id}" in msg.get_payload()
    with pytest.raises(Exception):  # noqa: B017  a refused completion sends nothing
        eng.complete(view.tasks[0].id, people["ann"], {"decision": "reject"})
    assert len(handler.messages) == 1


def test_a_dead_mail_server_does_not_break_the_step(db: Engine, registry, tmp_path: Path,  # noqa: ANN001
                                                    people: dict[str, Actor]) -> None:  # noqa: F811
    eng = WorkflowEngine(db, registry)
    eng.deploy_bundle(bundle(review_xml(), "expense_check.bpmn", {"review": FORM}))
    place = Workplace(eng, tmp_path, mailer=smtp_mailer(SmtpSettings("127.0.0.1", 9, timeout=1)))
    place.set_email("ann", "ann@example.com")
    view = eng.start("expense_check", {"item": "Lamp", "amount": 5}, people["rita"])
    assert view.tasks[0].status == "open"
    assert [n.kind for n in place.notifications("ann")] == ["group_task"]
