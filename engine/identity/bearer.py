"""Who a presented bearer token speaks for, read with two prepared statements.

Every API request asks this before anything else, so it is read with statements prepared once at
driver level (the token, its owner and the calling address's lock in one row; the owner's groups in
another) instead of ORM objects loaded and thrown away per request. An unknown token yields no row; the
address's lock is then read on its own, which only happens on the refusal path.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from ..prepared import Prepared
from ..views import Actor
from .api_tokens import USED_EVERY, ApiToken, _hash_token
from .login_throttle import LoginFailures, ThrottleKey
from .users import Group, User, user_groups

_LOCKED = (select(func.max(LoginFailures.locked_until))
           .where(LoginFailures.kind == bindparam("kind"), LoginFailures.key == bindparam("key")))
_LOCK = Prepared(_LOCKED)
_TOKEN = Prepared(select(ApiToken.id, ApiToken.scope, ApiToken.expires_at, ApiToken.revoked_at, ApiToken.last_used_at,
                 User.id.label("user_id"), User.username, User.roles, User.department, User.active,
                 _LOCKED.scalar_subquery().label("locked_until"))
                  .join(User, User.id == ApiToken.user_id)
                  .where(ApiToken.token_hash == bindparam("token_hash")))
_GROUPS = Prepared(select(Group.name).join(user_groups, user_groups.c.group_id == Group.id)
                   .where(user_groups.c.user_id == bindparam("user_id")))


@dataclass(frozen=True)
class Bearer:
    """What a token check found. `problem` is None for a usable token, else unknown, expired, revoked,
    inactive or locked (the calling address is locked until `locked_until`, whatever the token)."""

    problem: str | None
    actor: Actor | None = None
    token_id: int | None = None
    scope: str | None = None
    used_recently: bool = False
    locked_until: datetime | None = None


def identify_bearer(connection: Connection, token: str, address: ThrottleKey, now: datetime) -> Bearer:
    """The token's owner as an Actor (their own groups; a deputy's stand-in groups are the workplace's)."""
    params = {"token_hash": _hash_token(token), "kind": address.kind, "key": address.key}
    row = _TOKEN.first(connection, params)
    locked = row.locked_until if row is not None else _LOCK.scalar(connection, params)
    if locked is not None and locked > now:
        return Bearer("locked", locked_until=locked)
    if row is None:
        return Bearer("unknown")
    if not row.active:
        return Bearer("inactive")
    if row.revoked_at is not None:
        return Bearer("revoked")
    if row.expires_at <= now:
        return Bearer("expired")
    groups = frozenset(_GROUPS.scalars(connection, {"user_id": row.user_id}))
    roles = frozenset(r for r in row.roles.split(",") if r)
    return Bearer(None, Actor(row.username, groups, roles, row.department), row.id, row.scope,
                  row.last_used_at is not None and row.last_used_at > now - USED_EVERY)
