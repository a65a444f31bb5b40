"""Failed sign-ins counted in the database, and the temporary locks they lead to.

Counters live in the database, not in a worker's memory, so several web
workers on several hosts see the same count. A counter is one row per
(kind, key): a user name as typed (whether or not such a user exists, so
a lock tells nothing about which names are real), a client address for
sign-ins, a client address for API tokens. Each failure is one atomic
upsert; reaching the limit within the window locks the key, for longer
each time it locks again (doubling, up to `max_lock`), until a day passes
without failures or, for a user name, the user signs in.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, String, case, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..clock import utcnow
from ..database import read_sessions, write_sessions
from ..models import Base

USER, ADDRESS, TOKEN_ADDRESS = "user", "address", "token_address"
QUIET = timedelta(days=1)  # a counter without failures for this long is forgotten


class LoginFailures(Base):
    __tablename__ = "login_failures"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    lockouts: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class ThrottleLimits:
    """`user_failures` wrong passwords for one user name (or `address_failures` from one address)
    within `window` lock it for `lock`, then twice as long for each lock that follows."""

    user_failures: int = 5
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    max_lock: timedelta = timedelta(hours=24)

    def limit(self, kind: str) -> int:
        return self.user_failures if kind == USER else self.address_failures

    def lock_for(self, lockouts: int) -> timedelta:
        return min(self.lock * 2 ** min(lockouts, 16), self.max_lock)


@dataclass(frozen=True)
class ThrottleKey:
    kind: str
    key: str

    @classmethod
    def user(cls, username: str) -> ThrottleKey:
        return cls(USER, username.strip().casefold()[:200])

    @classmethod
    def address(cls, address: str | None, kind: str = ADDRESS) -> ThrottleKey:
        return cls(kind, (address or "unknown")[:200])


class LoginThrottle:
    def __init__(self, db: Engine, clock: Callable[[], datetime] = utcnow,
                 limits: ThrottleLimits | None = None) -> None:
        self.clock = clock
        self.limits = limits or ThrottleLimits()
        self._reads = read_sessions(db)
        self._writes = write_sessions(db)

    def locked_until(self, keys: Iterable[ThrottleKey]) -> datetime | None:
        """The end of the latest lock on any of the keys, or None when none is locked now."""
        pairs = [(k.kind, k.key) for k in keys]
        with self._reads() as session:
            until = session.scalar(select(func.max(LoginFailures.locked_until)).where(
                tuple_(LoginFailures.kind, LoginFailures.key).in_(pairs)))
        return until if until is not None and until > self.clock() else None

    def record_failure(self, keys: Iterable[ThrottleKey]) -> datetime | None:
        """Count one failure against each key; returns the end of a lock this failure caused, if any."""
        now, locked = self.clock(), None
        with self._writes() as session, session.begin():
            for key in keys:
                failures, lockouts = session.execute(self._count(session, key, now)).one()
                if failures >= self.limits.limit(key.kind):
                    until = now + self.limits.lock_for(lockouts)
                    session.execute(update(LoginFailures).where(*_is(key)).values(
                        locked_until=until, lockouts=lockouts + 1, failures=0, window_start=now))
                    locked = max(locked or until, until)
            session.execute(delete(LoginFailures).where(LoginFailures.last_failure_at < now - QUIET,
                                                        _not_locked(now)))
        return locked

    def clear(self, key: ThrottleKey) -> None:
        """A successful sign-in forgets the user name's failures and locks."""
        with self._writes() as session, session.begin():
            session.execute(delete(LoginFailures).where(*_is(key)))

    def _count(self, session: Session, key: ThrottleKey, now: datetime) -> Any:
        """One upsert: a first failure, the next in this window, or the first of a new window."""
        t = LoginFailures.__table__.c
        new_window = t.window_start <= now - self.limits.window
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(LoginFailures)
        return insert.values(kind=key.kind, key=key.key, failures=1, window_start=now, last_failure_at=now,
                             lockouts=0).on_conflict_do_update(
            index_elements=[t.kind, t.key],
            set_={"failures": case((new_window, 1), else_=t.failures + 1),
                  "window_start": case((new_window, now), else_=t.window_start),
                  "lockouts": case((t.last_failure_at < now - QUIET, 0), else_=t.lockouts),
                  "last_failure_at": now},
        ).returning(t.failures, t.lockouts)


def _is(key: ThrottleKey) -> tuple[Any, Any]:
    return LoginFailures.kind == key.kind, LoginFailures.key == key.key


def _not_locked(now: datetime) -> Any:
    return (LoginFailures.locked_until.is_(None)) | (LoginFailures.locked_until < now)
