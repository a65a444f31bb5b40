"""Users, groups and API tokens.

Kept in the engine because the engine decides who may claim or complete a
task (candidate groups, separation of duties); the web layer only logs
people in. Passwords and tokens are stored as salted scrypt / SHA-256 hashes.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .clock import utcnow
from .models import Base

user_groups = Table(
    "user_groups",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    roles: Mapped[str] = mapped_column(String(300), default="")
    locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    groups: Mapped[list[Group]] = relationship(secondary=user_groups, lazy="selectin")

    @property
    def group_names(self) -> list[str]:
        return sorted(g.name for g in self.groups)

    @property
    def role_names(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    # what a login session needs of a user (the attributes Flask-Login reads), without importing it
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    user: Mapped[User] = relationship(lazy="joined")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_or_create_group(session: Session, name: str) -> Group:
    group = session.scalar(select(Group).where(Group.name == name))
    if group is None:
        group = Group(name=name)
        session.add(group)
    return group


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    groups: list[str] | None = None,
    roles: list[str] | None = None,
    department: str | None = None,
    display_name: str | None = None,
) -> User:
    """Create or update a user (idempotent, so demo seeding can run twice)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, password_hash="")
        session.add(user)
    user.password_hash = hash_password(password)
    user.display_name = display_name or user.display_name or username
    user.department = department if department is not None else user.department
    user.roles = ",".join(roles or [])
    user.groups = [get_or_create_group(session, g) for g in (groups or [])]
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password(user.password_hash, password):
        return None
    return user


def create_token(session: Session, username: str) -> str:
    """Issue a new bearer token; only its hash is stored, so it is shown once."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"no user named {username!r}")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), created_at=utcnow()))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or not row.user.active:
        return None
    return row.user
