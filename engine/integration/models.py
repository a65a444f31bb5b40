"""The integration room's tables: calls waiting to leave (the outbox), webhook subscriptions, named connections."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..field_crypto import Encrypted
from ..models import Base

MESSAGE_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(Base):
    """One call to another system, written in the transaction of the step that decided it.

    `key` is the call's idempotency key: the same step can only ever record it once, and the receiver
    gets it as the `Idempotency-Key` header on every attempt, so a resend after a crash is recognisable.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ux_outbox_messages_key", "key", unique=True),
        Index("ix_outbox_messages_subscription", "subscription_id", "id"),
        Index("ix_outbox_messages_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Encrypted(str), default="{}")  # JSON; may carry credentials
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subscription_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    event: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # the service step waiting for the answer, and how to map it: {"task_id": ..., "response": {...}}
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WebhookSubscription(Base):
    """Who hears of which events: a receiver's URL, the secret its deliveries are signed with, the events."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Encrypted(str))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Connection(Base):
    """A named other system: its base URL and the credentials `http.request` sends, kept encrypted."""

    __tablename__ = "integration_connections"
    __table_args__ = (Index("ux_integration_connections_name", "name", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    base_url: Mapped[str] = mapped_column(Text)
    auth: Mapped[str] = mapped_column(String(20), default="none")  # none, bearer, basic, header
    credentials: Mapped[str | None] = mapped_column(Encrypted(str), nullable=True)
    header_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
