"""Creating users, checking and changing their passwords, deactivating them.

Every way a password is set goes through `set_password`, which holds the
password policy and ends the user's sessions, so a password change signs
out whoever else was using the account. `authenticate` takes as long for a
name that does not exist as for one that does, and gives an old scrypt
hash a new argon2 one when its owner signs in.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidData
from .login_sessions import end_all_sessions
from .password_policy import check_password_policy
from .passwords import hash_password, verify_nothing, verify_password
from .users import User, get_or_create_group


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    groups: list[str] | None = None,
    roles: list[str] | None = None,
    department: str | None = None,
    display_name: str | None = None,
    check_policy: bool = True,
) -> User:
    """Create or update a user (idempotent, so demo seeding can run twice).

    `check_policy=False` is for the demo seeding's documented demo-only password alone. An existing
    user keeps their hash (and sessions) when the password given is the one they have.
    """
    if check_policy:
        check_password_policy(username, password)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, password_hash="")
        session.add(user)
    if user.id is None or not verify_password(user.password_hash, password).ok:
        set_password(session, user, password, check_policy=False)
    user.display_name = display_name or user.display_name or username
    user.department = department if department is not None else user.department
    user.roles = ",".join(roles or [])
    user.groups = [get_or_create_group(session, g) for g in (groups or [])]
    return user


def set_password(session: Session, user: User, password: str, *, check_policy: bool = True) -> None:
    """Give a user a new password; every session they had ends (raises WeakPassword first if it is weak)."""
    if check_policy:
        check_password_policy(user.username, password)
    user.password_hash = hash_password(password)
    if user.id is not None:
        end_all_sessions(session, user.id)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """A user's own change: the current password first (InvalidData naming `current_password` if wrong)."""
    if not verify_password(user.password_hash, current).ok:
        raise InvalidData({"current_password": "is not your current password"})
    set_password(session, user, new)


def deactivate_user(session: Session, username: str) -> User:
    """Stop a user signing in or using tokens; their open sessions end now."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"no user named {username!r}")
    user.active = False
    end_all_sessions(session, user.id)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None; equally slow for unknown names.

    A matching password stored under an old scheme (or weaker argon2 parameters) is hashed anew
    in the caller's transaction.
    """
    user = session.scalar(select(User).where(User.username == username))
    verdict = verify_password(user.password_hash, password) if user is not None else verify_nothing(password)
    if user is None or not verdict.ok or not user.active:
        return None
    if verdict.needs_new_hash:
        user.password_hash = hash_password(password)
    return user
