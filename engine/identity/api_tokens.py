"""API tokens: a scope, an expiry, revocation, and when each was last used.

Only a token's SHA-256 is stored, so a token is shown once, when it is made.
Scopes are ordered: `read` may only look (GET), `act` may also start, claim,
complete and comment, `admin` may also use the administrators' endpoints
(and only for a user who is an administrator). Every token expires; one
that leaks stops working on its own, and its owner or an administrator can
revoke it sooner. `create_token` and `revoke_token` are the one place each
where a token is made or revoked.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, String, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .. import audit
from ..clock import utcnow
from ..errors import Forbidden, InvalidData, NotFound
from ..models import Base
from .users import User

SCOPES = ("read", "act", "admin")
DEFAULT_DAYS = 90
MAX_DAYS = 366
USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    user: Mapped[User] = relationship(lazy="joined")

    def status(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    def used_recently(self, now: datetime) -> bool:
        """Whether last_used_at is fresh enough that this use need not be written."""
        return self.last_used_at is not None and self.last_used_at > now - USED_EVERY


def scope_allows(granted: str, needed: str) -> bool:
    return SCOPES.index(granted) >= SCOPES.index(needed)


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token turned out to be: `problem` is None, unknown, expired, revoked or inactive."""

    token: ApiToken | None
    problem: str | None

    @property
    def user(self) -> User | None:
        return self.token.user if self.token is not None and self.problem is None else None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _validated(user: User, scope: str, days: int, name: str) -> dict[str, str]:
    errors = {}
    if scope not in SCOPES:
        errors["scope"] = f"must be one of {', '.join(SCOPES)}"
    elif scope == "admin" and not user.has_role("admin"):
        errors["scope"] = "admin needs a user with the admin role"
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"must be between 1 and {MAX_DAYS}"
    if len(name) > 100:
        errors["name"] = "must be at most 100 characters long"
    return errors


def create_token(session: Session, username: str, *, scope: str, days: int = DEFAULT_DAYS, name: str = "",
                 now: datetime | None = None) -> str:
    """Issue a new bearer token; only its hash is stored, so the caller shows it once."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"no user named {username!r}")
    name = name.strip()
    if errors := _validated(user, scope, days, name):
        raise InvalidData(errors)
    token, now = secrets.token_urlsafe(32), now or utcnow()
    session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), name=name, scope=scope, created_at=now,
                         expires_at=now + timedelta(days=days)))
    audit.record(session, username, "token.created", f"user {username}", now, name=name, scope=scope, days=days)
    return token


def revoke_token(session: Session, token_id: int, by: User | None, now: datetime | None = None) -> ApiToken:
    """Revoke a token: its owner or an administrator may (`by` None is the command line)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no API token {token_id}")
    if by is not None and by.id != row.user_id and not by.has_role("admin"):
        raise Forbidden("only the token's owner or an administrator may revoke it")
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = now or utcnow(), by.username if by is not None else "command line"
        audit.record(session, row.revoked_by, "token.revoked", f"token {row.id}", row.revoked_at, owner=row.user_id)
    return row


def check_token(session: Session, token: str, now: datetime) -> TokenCheck:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None:
        return TokenCheck(None, "unknown")
    if not row.user.active:
        return TokenCheck(row, "inactive")
    status = row.status(now)
    return TokenCheck(row, None if status == "active" else status)


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    return check_token(session, token, now or utcnow()).user


def note_use(session: Session, token_id: int, now: datetime) -> None:
    """Write last_used_at unless another request wrote it within USED_EVERY."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id, or_(
        ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - USED_EVERY)).values(last_used_at=now))


def tokens_page(session: Session, *, user_id: int | None, limit: int, offset: int) -> tuple[list[ApiToken], int]:
    """A page of tokens, newest first, with the total: one user's, or everyone's when user_id is None."""
    query = select(ApiToken)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
                           .limit(limit).offset(offset)).all()
    return list(rows), total
