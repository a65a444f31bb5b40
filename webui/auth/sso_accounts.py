"""Who a verified ID token is in OpsFlow: an account that exists, or one made on first sign-in when allowed.

Only the configured claim names the account (`preferred_username` unless told otherwise), matched
exactly like a typed user name. With `OPSFLOW_OIDC_GROUPS_CLAIM` the directory owns group membership:
each single sign-on sets the account's groups to the claim's (a token without that claim leaves them as
they are, so a provider that omits it cannot empty everyone's groups). Roles are never taken from the
token: an account made here is a `requester`, and an administrator grants more on Admin → People.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from engine import Group, User, create_user

from ..extensions import db
from .oidc import OidcSettings

MAX_GROUPS = 200


class AccountRefused(Exception):
    """The token is good but names no account that may sign in: unknown, deactivated, or a `claim` unusable."""

    def __init__(self, username: str, reason: str, *, deactivated: bool = False, claim: str | None = None) -> None:
        super().__init__(reason)
        self.username, self.reason, self.deactivated, self.claim = username, reason, deactivated, claim


def username_of(claims: Mapping[str, Any], settings: OidcSettings) -> str:
    name = claims.get(settings.username_claim)
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
        raise AccountRefused("-", f"claim {settings.username_claim} is not a user name: {name!r}"[:300],
                             claim=settings.username_claim)
    return name.strip()


def account_for(claims: Mapping[str, Any], settings: OidcSettings) -> tuple[User, dict[str, object]]:
    """The account to sign in, changed as the token says (not committed), and what changed, for the audit."""
    username = username_of(claims, settings)
    groups = _groups_claim(claims, settings, username)
    user = db.session.scalar(select(User).where(User.username == username))
    detail: dict[str, object] = {}
    if user is None:
        if not settings.create_users:
            raise AccountRefused(username, "no such user")
        display = claims.get("name")
        user = create_user(db.session, username, secrets.token_urlsafe(32), groups=[], roles=["requester"],
                           display_name=display.strip()[:200] if isinstance(display, str) and display.strip()
                           else username)
        detail["created"] = True
    elif not user.active:
        raise AccountRefused(username, "user is deactivated", deactivated=True)
    if groups is not None and sorted(set(groups)) != user.group_names:
        detail["groups"] = [user.group_names, sorted(set(groups))]
        user.groups = _groups(groups)
    return user, detail


def _groups_claim(claims: Mapping[str, Any], settings: OidcSettings, username: str) -> list[str] | None:
    if settings.groups_claim is None or settings.groups_claim not in claims:
        return None
    value = claims[settings.groups_claim]
    if isinstance(value, str):
        value = [value]
    if (not isinstance(value, list) or len(value) > MAX_GROUPS
            or not all(isinstance(g, str) and g.strip() and len(g.strip()) <= 200 for g in value)):
        raise AccountRefused(username, f"claim {settings.groups_claim} is not a list of group names",
                             claim=settings.groups_claim)
    return [g.strip() for g in value]


def _groups(names: list[str]) -> list[Group]:
    wanted = sorted(set(names))
    found = {g.name: g for g in db.session.scalars(select(Group).where(Group.name.in_(wanted)))}
    for name in wanted:
        if name not in found:
            found[name] = Group(name=name)
            db.session.add(found[name])
    return [found[name] for name in wanted]
