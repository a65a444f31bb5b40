"""Adding, disabling and enabling webhook subscriptions: checked, audited, in the caller's transaction."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import InvalidData, NotFound
from .models import WebhookSubscription
from .webhooks import EVENT_NAMES, new_secret


def check_url(url: str, field: str = "url") -> str:
    """An http(s) address with a host: anything else could never be delivered to."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise InvalidData({field: "must be an http:// or https:// address with a host"})
    return url


def add(session: Session, *, name: str, url: str, events: Iterable[str], actor: str,
        now: datetime) -> WebhookSubscription:
    """A new active subscription with a fresh secret (shown to the administrator, then kept encrypted)."""
    name, chosen = (name or "").strip(), sorted(set(events))
    errors: dict[str, str] = {}
    if not name or len(name) > 100:
        errors["name"] = "required, at most 100 characters"
    if not chosen or set(chosen) - set(EVENT_NAMES):
        errors["events"] = f"choose one or more of {', '.join(EVENT_NAMES)}"
    try:
        url = check_url(url)
    except InvalidData as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidData(errors)
    sub = WebhookSubscription(name=name, url=url, secret=new_secret(), events=chosen, active=True,
                              created_by=actor, created_at=now)
    session.add(sub)
    session.flush()
    audit.record(session, actor, "admin.webhook_added", f"webhook {sub.id}", now, name=name, url=url,
                 events=", ".join(chosen))
    return sub


def set_active(session: Session, subscription_id: int, active: bool, *, actor: str,
               now: datetime) -> WebhookSubscription:
    """Disabled, a subscription gets no new deliveries; those already recorded still go out."""
    sub = session.scalar(select(WebhookSubscription).where(WebhookSubscription.id == subscription_id))
    if sub is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    if sub.active != active:
        sub.active, sub.disabled_at = active, None if active else now
        audit.record(session, actor, "admin.webhook_enabled" if active else "admin.webhook_disabled",
                     f"webhook {sub.id}", now, name=sub.name)
    return sub
