"""The transactional outbox: a call to another system is a row written with the step, sent after the commit.

`record` inserts the message and its `outbox` job in the caller's transaction (a service operation's,
inside its savepoint), so a step that rolls back leaves no call behind and a step that commits cannot
lose one. The job runner sends it after the commit, outside any transaction (`send`), with the
message's key as the `Idempotency-Key` header; a failure is retried with the runner's backoff, and
after the last attempt the message is `failed` and its job an incident an operator retries. A
process killed after the commit and before the send leaves a pending job that the next scheduler
runs; one killed after the send and before "sent" was written sends again with the same key, which
the receiver recognises. So the receiver acts once on each call.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..jobs import JobTicket, add_unique_job
from ..services import ServiceCall
from .models import OutboxMessage

OUTBOX_JOB = "outbox"
TIMEOUT_SECONDS = 10.0
KEEP_RESPONSE = 65536  # characters of a response body kept for the log and for response mapping
MAX_ATTEMPTS = 5

# what a delivery needs added at send time (a webhook's signature over the moment it leaves): (session, message)
Signer = Callable[[Session, OutboxMessage, datetime], dict[str, str]]
_signers: list[Signer] = []


class DeliveryFailed(RuntimeError):
    """The receiver did not take the call (no answer, or an answer outside 2xx); the runner backs off."""


@dataclass(frozen=True)
class Sent:
    status: int
    body: str


def call_key(call: ServiceCall, purpose: str = "") -> str:
    """The idempotency key of the call a service step makes: the same each time that step is retried,
    another on each pass of a loop through it."""
    return f"{call.instance_id}:{call.task_name}:{call.task_id or '-'}{':' + purpose if purpose else ''}"


def add_signer(signer: Signer) -> None:
    if signer not in _signers:
        _signers.append(signer)


def record(session: Session, *, key: str, method: str, url: str, now: datetime, body: str | None = None,
           headers: dict[str, str] | None = None, instance_id: int | None = None,
           subscription_id: int | None = None, event: str | None = None, reply: dict[str, Any] | None = None) -> bool:
    """Queue one call in the caller's transaction; False when a call with this key is already recorded.

    The key must say what the call is for (`<instance>:<step>`), so a step that runs again (a retry)
    records nothing new.
    """
    values = dict(key=key, method=method.upper(), url=url, headers=json.dumps(headers or {}), body=body,
                  status="pending", attempts=0, instance_id=instance_id, subscription_id=subscription_id,
                  event=event, reply=reply, created_at=now)
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage)
    statement = insert.values(**values)
    inserted = statement.on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id)
    if session.execute(inserted).first() is None:
        return False
    add_unique_job(session, OUTBOX_JOB, now, f"outbox:{key}", {"key": key, "max_attempts": MAX_ATTEMPTS}, now=now)
    return True


def http_send(method: str, url: str, headers: dict[str, str], body: str | None) -> Sent:
    """One HTTP exchange; any answer outside 2xx, or none, is a `DeliveryFailed`."""
    data = body.encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URLs)
            return Sent(response.status, response.read(KEEP_RESPONSE).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        text = exc.read(2000).decode("utf-8", "replace")
        raise DeliveryFailed(f"HTTP {exc.code} from {url}: {text}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"no answer from {url}: {getattr(exc, 'reason', exc)}") from None


Transport = Callable[[str, str, dict[str, str], "str | None"], Sent]
transport: list[Transport] = [http_send]  # the one way out; a test of a fault it cannot cause may swap it
# what runs in the transaction that notes a message sent: (engine, session, message, answer, now), e.g.
# resuming the service step that waits for the answer; if it fails, the message is sent again (same key)
after_sent: list[Callable[[Any, Session, OutboxMessage, Sent, datetime], None]] = []


def send(engine: Any, ticket: JobTicket, now: datetime) -> dict[str, Any] | None:
    """The `outbox` job kind: send the message once it is committed; a failure raises for the runner's backoff."""
    key = ticket.payload["key"]
    with engine._write() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).one_or_none()
        if message is None or message.status == "sent":
            return None
        headers = {"Content-Type": "application/json", **json.loads(message.headers or "{}"),
                   "Idempotency-Key": message.key}
        for signer in _signers:
            headers.update(signer(session, message, now))
        method, url, body, message_id = message.method, message.url, message.body, message.id
    try:
        sent = transport[0](method, url, headers, body)
    except Exception as exc:
        _note_failure(engine, message_id, ticket, exc)
        raise
    with engine._write() as session:  # "sent" and what follows from the answer commit together, or neither
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status="sent", sent_at=now, attempts=ticket.attempts, response_status=sent.status,
            response_body=sent.body, last_error=None))
        message = session.get(OutboxMessage, message_id)
        for hook in after_sent:
            hook(engine, session, message, sent, now)
    engine._commit_hooks(session)
    return {"status": sent.status}


def _note_failure(engine: Any, message_id: int, ticket: JobTicket, exc: Exception) -> None:
    """Write the attempt down; the last one makes the message `failed` (its job becomes the incident)."""
    last = ticket.attempts >= int(ticket.payload.get("max_attempts", MAX_ATTEMPTS))
    with engine._write() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            attempts=ticket.attempts, last_error=f"{type(exc).__name__}: {exc}"[:4000],
            **({"status": "failed"} if last else {})))
