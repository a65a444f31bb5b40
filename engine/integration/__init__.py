"""Integration: calls to other systems through a transactional outbox, webhooks, named connections.

Importing the package (`engine/__init__.py` does) registers the outbox's sending as a standalone job
kind, so every `JobRunner` delivers what a committed step recorded, and the webhook signer on the
outbox; `webhooks.subscribe(engine)` makes an engine's steps record webhook deliveries. The kernel
imports nothing of it.
"""
from __future__ import annotations

from datetime import timedelta

from ..jobs import register_standalone_kind
from . import connections, http_request, outbox, subscriptions, webhooks, workers
from .models import Connection, OutboxMessage, WebhookSubscription
from .outbox import OUTBOX_JOB, DeliveryFailed, Sent, call_key, record

register_standalone_kind(OUTBOX_JOB, outbox.send, lease=timedelta(seconds=60))
register_standalone_kind(workers.SERVICE_JOB, workers.enqueue, lease=timedelta(seconds=60))
if http_request.answer not in outbox.after_sent:
    outbox.after_sent.append(http_request.answer)


__all__ = ["OUTBOX_JOB", "Connection", "DeliveryFailed", "OutboxMessage", "Sent", "WebhookSubscription", "call_key",
           "connections", "http_request", "outbox", "record", "subscriptions", "webhooks", "workers"]
