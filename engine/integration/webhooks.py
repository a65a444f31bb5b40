"""Webhooks: other systems hear of instances started and completed, tasks created and completed, incidents.

`subscribe(engine)` hooks the engine's write sessions as the workplace's notifications do: whenever
events are about to be written, each active subscription to one of them gets an outbox message in
that same transaction, so a delivery exists exactly when its event does. The outbox sends it after
the commit, as a standalone job: a receiver that is slow, down or answering 500 costs the flow
nothing, and is retried with the runner's backoff until its attempts run out (then an incident).

Each delivery is signed when it leaves (`sign`): `X-OpsFlow-Timestamp` is the Unix time of the
attempt and `X-OpsFlow-Signature` is `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the
subscription's secret. The receiver recomputes it, compares in constant time and refuses a timestamp
too old (`verify` is the reference). `X-OpsFlow-Delivery` (also the `Idempotency-Key`) is the same on
every attempt of one delivery.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import persistence
from ..models import Event, ProcessInstance
from ..prepared import Prepared
from . import outbox
from .models import OutboxMessage, WebhookSubscription

# the event log's kinds, as the webhook events a receiver subscribes to
EVENTS = {
    "instance_started": "instance.started",
    "instance_completed": "instance.completed",
    "task_created": "task.created",
    "task_completed": "task.completed",
    "instance_error": "incident",
    "job_failed": "incident",
}
EVENT_NAMES = ("instance.started", "instance.completed", "task.created", "task.completed", "incident")
SIGNATURE_HEADER, TIMESTAMP_HEADER = "X-OpsFlow-Signature", "X-OpsFlow-Timestamp"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def verify(secret: str, headers: dict[str, str], body: str, now: datetime,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does: the signature matches and the delivery is recent (no replay of an old one)."""
    lowered = {k.lower(): v for k, v in headers.items()}  # HTTP header names are case-insensitive
    try:
        timestamp = int(lowered.get(TIMESTAMP_HEADER.lower(), ""))
    except ValueError:
        return False
    fresh = abs(_unix(now) - timestamp) <= tolerance
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), lowered.get(SIGNATURE_HEADER.lower(), ""))


def _unix(at: datetime) -> int:
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp())


def sign(session: Session, message: OutboxMessage, now: datetime) -> dict[str, str]:
    """The outbox's signer: a webhook delivery's signature over the moment this attempt leaves."""
    if message.subscription_id is None:
        return {}
    secret = session.scalar(select(WebhookSubscription.secret).where(WebhookSubscription.id == message.subscription_id))
    if secret is None:
        return {}
    timestamp = _unix(now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, message.body or ""),
            "X-OpsFlow-Event": message.event or "", "X-OpsFlow-Delivery": message.key}


def _payload(session: Session, ev: Event, name: str, delivery: str) -> str:
    inst = session.get(ProcessInstance, ev.instance_id) if ev.instance_id else None
    detail = {k: v for k, v in (ev.detail or {}).items() if isinstance(v, str | int | float | bool) or v is None}
    return json.dumps({
        "id": delivery, "event": name, "kind": ev.kind, "occurred_at": ev.at.isoformat(), "actor": ev.actor,
        "instance": {"id": ev.instance_id, "process": inst.process_key if inst else None,
                     "business_key": inst.business_key if inst else None, "status": inst.status if inst else None},
        "task": {"id": ev.task_id, "name": ev.task_name} if ev.task_id or ev.task_name else None,
        "detail": detail,
    }, default=str, separators=(",", ":"))


# asked by every step that logs an event a webhook may want: built once, read as plain rows
_ACTIVE = Prepared(select(WebhookSubscription.id, WebhookSubscription.url, WebhookSubscription.events).where(
    WebhookSubscription.active.is_(True)))


def _deliver(session: Session, events: list[Event]) -> None:
    wanted = [(ev, EVENTS[ev.kind]) for ev in events if ev.kind in EVENTS]
    if not wanted:
        return
    with session.no_autoflush:
        subscriptions = _ACTIVE.rows(session)
        for ev, name in sorted(wanted, key=lambda pair: pair[0].at):
            for sub in subscriptions:
                if name in (sub.events or []):
                    delivery = f"whd_{uuid.uuid4().hex}"
                    outbox.record(session, key=delivery, method="POST", url=sub.url, now=ev.at,
                                  body=_payload(session, ev, name, delivery), instance_id=ev.instance_id,
                                  subscription_id=sub.id, event=name)


def subscribe(engine: Any) -> None:
    """Make every write session of `engine` (a WorkflowEngine) record webhook deliveries for its events."""
    sessions = engine._writes
    if getattr(sessions, "_opsflow_webhooks", False):
        return
    persistence.on_new_events(sessions, "_webhooked", _deliver)
    sessions._opsflow_webhooks = True


outbox.add_signer(sign)


# -- what the admin screen shows ------------------------------------------------------------------
@dataclass(frozen=True)
class DeliveryPage:
    rows: list[OutboxMessage]
    offset: int
    more: bool  # deliveries follow these: the page says so


def deliveries(session: Session, subscription_id: int | None = None, status: str | None = None,
               limit: int = 50, offset: int = 0) -> DeliveryPage:
    """Newest first; one row more than asked tells whether another page follows."""
    query = select(OutboxMessage).where(OutboxMessage.subscription_id.is_not(None))
    if subscription_id is not None:
        query = query.where(OutboxMessage.subscription_id == subscription_id)
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = list(session.scalars(query.order_by(OutboxMessage.id.desc()).offset(offset).limit(limit + 1)))
    return DeliveryPage(rows[:limit], offset, len(rows) > limit)


def delivery_counts(session: Session) -> dict[int, dict[str, int]]:
    """Per subscription, how many deliveries are pending, sent and failed."""
    counts: dict[int, dict[str, int]] = {}
    for sub_id, status, n in session.execute(
            select(OutboxMessage.subscription_id, OutboxMessage.status, func.count())
            .where(OutboxMessage.subscription_id.is_not(None))
            .group_by(OutboxMessage.subscription_id, OutboxMessage.status)):
        counts.setdefault(sub_id, {})[status] = n
    return counts
