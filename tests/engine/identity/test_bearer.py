"""Who a bearer token speaks for: what the API's gate asks on every request, read in one or two statements."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from engine import (
    TOKEN_ADDRESS,
    ApiToken,
    LoginThrottle,
    ThrottleKey,
    ThrottleLimits,
    User,
    create_token,
    create_user,
    note_use,
    revoke_token,
)
from engine import identify_bearer as identify

NOW = datetime(2026, 3, 2, 9, 0)
ADDRESS = ThrottleKey.address("203.0.113.7", TOKEN_ADDRESS)


@pytest.fixture
def token(db: Engine) -> Iterator[str]:
    with Session(db) as s:
        create_user(s, "leo", "plum-kite-harbour-7", groups=["buyers", "IT-managers"], roles=["designer"],
                    department="IT")
        made = create_token(s, "leo", scope="act", days=30, now=NOW)
        s.commit()
    yield made


def test_a_good_token_gives_its_owner_with_groups_roles_department_and_scope(db: Engine, token: str) -> None:
    with db.connect() as connection:
        bearer = identify(connection, token, ADDRESS, NOW)
    assert bearer.problem is None
    assert bearer.actor.username == "leo" and bearer.actor.department == "IT"
    assert bearer.actor.groups == {"buyers", "IT-managers"} and bearer.actor.roles == {"designer"}
    assert bearer.scope == "act" and not bearer.used_recently  # never used: its first use is written


def test_a_use_written_a_moment_ago_need_not_be_written_again(db: Engine, token: str) -> None:
    with Session(db) as s, s.begin():
        note_use(s, s.scalar(select(ApiToken.id)), NOW)
    with db.connect() as connection:
        assert identify(connection, token, ADDRESS, NOW + timedelta(seconds=30)).used_recently
        assert not identify(connection, token, ADDRESS, NOW + timedelta(minutes=2)).used_recently


def test_unknown_expired_revoked_and_deactivated_are_each_named(db: Engine, token: str) -> None:
    with db.connect() as connection:
        assert identify(connection, token + "x", ADDRESS, NOW).problem == "unknown"
        assert identify(connection, token, ADDRESS, NOW + timedelta(days=30)).problem == "expired"
    with Session(db) as s, s.begin():
        s.execute(update(User).where(User.username == "leo").values(active=False))
    with db.connect() as connection:
        assert identify(connection, token, ADDRESS, NOW).problem == "inactive"
    with Session(db) as s, s.begin():
        s.execute(update(User).where(User.username == "leo").values(active=True))
        revoke_token(s, s.scalar(select(ApiToken.id)), None, NOW)
    with db.connect() as connection:
        refused = identify(connection, token, ADDRESS, NOW)
    assert (refused.problem, refused.actor) == ("revoked", None)


def test_a_locked_address_is_refused_whatever_the_token_until_the_lock_ends(db: Engine, token: str) -> None:
    throttle = LoginThrottle(db, clock=lambda: NOW, limits=ThrottleLimits(address_failures=2))
    throttle.record_failure([ADDRESS])
    until = throttle.record_failure([ADDRESS])
    assert until is not None
    with db.connect() as connection:
        for presented in (token, token + "x"):  # a good token guessed from a locked address counts for nothing
            locked = identify(connection, presented, ADDRESS, NOW)
            assert (locked.problem, locked.locked_until, locked.actor) == ("locked", until, None)
        other = ThrottleKey.address("198.51.100.2", TOKEN_ADDRESS)
        assert identify(connection, token, other, NOW).problem is None
        assert identify(connection, token, ADDRESS, until + timedelta(seconds=1)).problem is None
