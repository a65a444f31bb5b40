"""Integration: calls to other systems through a transactional outbox, webhooks, named connections.

Importing the package (`engine/__init__.py` does) registers the outbox's sending as a standalone job
kind, so every `JobRunner` delivers what a committed step recorded, and the webhook signer on the
outbox; `webhooks.subscribe(engine)` makes an engine's steps record webhook deliveries. The kernel
imports nothing of it.
"""
from __future__ import annotations

from datetime import timedelta

from ..jobs import register_standalone_kind
from ..services import ServiceCall
from . import outbox, subscriptions, webhooks
from .models import Connection, OutboxMessage, WebhookSubscription
from .outbox import OUTBOX_JOB, DeliveryFailed, Sent, record

register_standalone_kind(OUTBOX_JOB, outbox.send, lease=timedelta(seconds=60))


def call_key(call: ServiceCall, purpose: str = "") -> str:
    """The idempotency key of the call a service step makes: the same each time that step is retried,
    another on each pass of a loop through it."""
    return f"{call.instance_id}:{call.task_name}:{call.task_id or '-'}{':' + purpose if purpose else ''}"


__all__ = ["OUTBOX_JOB", "Connection", "DeliveryFailed", "OutboxMessage", "Sent", "WebhookSubscription", "call_key",
           "outbox", "record", "subscriptions", "webhooks"]
