"""Signed-in browsers as rows, so that signing out really ends a session.

A signed cookie alone cannot be taken back: a copy of it keeps working
until it expires. Each sign-in therefore gets a row here, and the cookie
carries only a random key (the row keeps its SHA-256, like API tokens).
Every page asks for the row: no row, no session. Signing out deletes this
browser's row; a password change, "sign out everywhere" and deactivation
delete all of a user's rows.

Rows rather than a per-user session counter: signing out of one browser
ends that browser's session and no other, and the idle time is measured on
the server, so a copied cookie stops working once its owner goes idle.
The cost is one primary-key read per page and, at most once a minute per
session, a write noting that the browser is still in use.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    DateTime,
    Engine,
    ForeignKey,
    String,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..clock import utcnow
from ..database import read_sessions, write_sessions
from ..models import Base
from ..prepared import Prepared

SEEN_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before a page notes it again


class LoginSession(Base):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, index=True)


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lives: `idle` without a page, `lifetime` however busy."""

    idle: timedelta = timedelta(hours=8)
    lifetime: timedelta = timedelta(hours=12)


# every page a signed-in person opens asks this first: prepared once, read on a bare connection
_LIVE = Prepared(select(LoginSession.id, LoginSession.user_id, LoginSession.created_at, LoginSession.last_seen_at)
                 .where(LoginSession.key_hash == bindparam("key_hash")))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def end_all_sessions(session: Session, user_id: int) -> int:
    """End every session of a user inside the caller's transaction (password change, deactivation)."""
    result = session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    return cast(CursorResult[Any], result).rowcount


class LoginSessions:
    """Start, resume and end sessions, each in a short transaction of its own."""

    def __init__(self, db: Engine, clock: Callable[[], datetime] = utcnow,
                 limits: SessionLimits | None = None) -> None:
        self.clock = clock
        self.limits = limits or SessionLimits()
        self._db = db
        self._reads = read_sessions(db)
        self._writes = write_sessions(db)

    def _expired(self, now: datetime) -> ColumnElement[bool]:
        return or_(LoginSession.last_seen_at <= now - self.limits.idle,
                   LoginSession.created_at <= now - self.limits.lifetime)

    def start(self, user_id: int) -> str:
        """A new session for a user who just signed in; returns the key for the cookie (shown only here)."""
        key, now = secrets.token_urlsafe(32), self.clock()
        with self._writes() as session, session.begin():
            session.execute(delete(LoginSession).where(self._expired(now)))  # keeps the table to live sessions
            session.add(LoginSession(user_id=user_id, key_hash=_hash(key), created_at=now, last_seen_at=now))
        return key

    def resume(self, key: str) -> int | None:
        """The user id of the live session with this key, or None when it ended, idled out or grew too old."""
        now = self.clock()
        with self._db.connect() as connection:
            row = _LIVE.first(connection, {"key_hash": _hash(key)})
        if row is None:
            return None
        if row.last_seen_at <= now - self.limits.idle or row.created_at <= now - self.limits.lifetime:
            self._delete(LoginSession.id == row.id)
            return None
        if row.last_seen_at <= now - SEEN_EVERY:
            with self._writes() as session, session.begin():
                session.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
        return row.user_id

    def end(self, key: str) -> None:
        self._delete(LoginSession.key_hash == _hash(key))

    def end_all(self, user_id: int) -> int:
        """Sign a user out on every browser; returns how many sessions ended."""
        with self._writes() as session, session.begin():
            return end_all_sessions(session, user_id)

    def count(self, user_id: int) -> int:
        """How many browsers the user is signed in on now."""
        now = self.clock()
        with self._reads() as session:
            return session.scalar(select(func.count()).select_from(LoginSession).where(
                LoginSession.user_id == user_id, ~self._expired(now))) or 0

    def _delete(self, where: ColumnElement[bool]) -> None:
        with self._writes() as session, session.begin():
            session.execute(delete(LoginSession).where(where))
