"""Users, groups and passwords: argon2 hashes, old scrypt hashes upgraded, only active users get in."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import InvalidData, User, WeakPassword, authenticate, change_password, create_user, deactivate_user

STRONG = "plum-kite-harbour-7"


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with Session(db) as s:
        yield s


def stored_hash(session: Session, username: str) -> str:
    return session.scalar(select(User.password_hash).where(User.username == username))


def test_user_signs_in_with_the_right_password_only(session: Session) -> None:
    create_user(session, "mei", STRONG, groups=["it-managers", "approvers"], roles=["manager"],
                department="it", display_name="Mei Lin")
    session.commit()
    user = authenticate(session, "mei", STRONG)
    assert user is not None
    assert (user.group_names, user.role_names, user.department) == (["approvers", "it-managers"], ["manager"], "it")
    assert stored_hash(session, "mei").startswith("$argon2id$") and STRONG not in stored_hash(session, "mei")
    assert authenticate(session, "mei", "wrong") is None
    assert authenticate(session, "nobody", STRONG) is None


def test_create_user_twice_updates_instead_of_duplicating(session: Session) -> None:
    create_user(session, "mei", "first-password-1", groups=["a"])
    session.commit()
    create_user(session, "mei", "second-password-2", groups=["b"])
    session.commit()
    assert len(list(session.scalars(select(User)))) == 1
    assert authenticate(session, "mei", "second-password-2").group_names == ["b"]
    assert authenticate(session, "mei", "first-password-1") is None


def test_the_same_password_again_keeps_the_hash(session: Session) -> None:
    create_user(session, "mei", STRONG)
    session.commit()
    before = stored_hash(session, "mei")
    create_user(session, "mei", STRONG, groups=["a"])  # as demo seeding does at every start
    session.commit()
    assert stored_hash(session, "mei") == before


def test_a_weak_password_is_refused_naming_the_rule_and_nothing_is_saved(session: Session) -> None:
    with pytest.raises(WeakPassword) as refused:
        create_user(session, "mei", "short")
    assert refused.value.rule == "too_short"
    assert refused.value.errors == {"password": "must be at least 10 characters long"}
    session.rollback()
    assert session.scalar(select(User).where(User.username == "mei")) is None
    create_user(session, "demo-only", "demo", check_policy=False)  # the demo seeding's documented exception
    session.commit()
    assert authenticate(session, "demo-only", "demo") is not None


def test_a_scrypt_hash_still_signs_in_and_is_replaced_by_argon2(session: Session) -> None:
    salt = bytes(range(16))
    digest = hashlib.scrypt(b"old-password", salt=salt, n=2**14, r=8, p=1)
    session.add(User(username="legacy", password_hash=f"scrypt${salt.hex()}${digest.hex()}"))
    session.commit()
    assert authenticate(session, "legacy", "wrong-password") is None
    assert stored_hash(session, "legacy").startswith("scrypt$"), "a failed attempt changes nothing"
    assert authenticate(session, "legacy", "old-password") is not None
    session.commit()
    assert stored_hash(session, "legacy").startswith("$argon2id$")
    assert authenticate(session, "legacy", "old-password") is not None


def test_changing_a_password_needs_the_current_one(session: Session) -> None:
    user = create_user(session, "mei", STRONG)
    session.commit()
    with pytest.raises(InvalidData) as wrong:
        change_password(session, user, "not-it-at-all", "another-good-one-9")
    assert wrong.value.errors == {"current_password": "is not your current password"}
    with pytest.raises(WeakPassword):
        change_password(session, user, STRONG, "mei-password-123")
    change_password(session, user, STRONG, "another-good-one-9")
    session.commit()
    assert authenticate(session, "mei", "another-good-one-9") is not None


def test_inactive_user_is_locked_out(session: Session) -> None:
    create_user(session, "leo", STRONG)
    session.commit()
    deactivate_user(session, "leo")
    session.commit()
    assert authenticate(session, "leo", STRONG) is None
    with pytest.raises(LookupError):
        deactivate_user(session, "ghost")
