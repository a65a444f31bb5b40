"""Login sessions as rows: they end when signed out, idle, too old, or when the password changes."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import LoginSessions, SessionLimits, User, create_user, set_password
from engine.identity.login_sessions import LoginSession

START = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def user_id(db: Engine) -> int:
    with Session(db) as session:
        user = create_user(session, "mei", "plum-kite-harbour-7")
        session.commit()
        return user.id


def test_a_session_lives_while_used_and_ends_when_idle(db: Engine, user_id: int, make_clock: Callable) -> None:
    clock = make_clock(START)
    sessions = LoginSessions(db, clock, SessionLimits(idle=timedelta(hours=8), lifetime=timedelta(hours=24)))
    key = sessions.start(user_id)
    clock.advance(hours=7, minutes=59)
    assert sessions.resume(key) == user_id, "used within the idle time"
    clock.advance(hours=7, minutes=59)
    assert sessions.resume(key) == user_id, "the last use counts, not the sign-in"
    clock.advance(hours=8)
    assert sessions.resume(key) is None
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 0, "the idle row is gone"


def test_a_busy_session_still_ends_after_its_lifetime(db: Engine, user_id: int, make_clock: Callable) -> None:
    clock = make_clock(START)
    sessions = LoginSessions(db, clock, SessionLimits(idle=timedelta(hours=8), lifetime=timedelta(hours=12)))
    key = sessions.start(user_id)
    for _ in range(11):
        clock.advance(hours=1)
        assert sessions.resume(key) == user_id
    clock.advance(hours=1)
    assert sessions.resume(key) is None


def test_activity_is_written_at_most_once_a_minute(db: Engine, user_id: int, make_clock: Callable) -> None:
    clock = make_clock(START)
    sessions = LoginSessions(db, clock)
    key = sessions.start(user_id)

    def last_seen() -> datetime:
        with Session(db) as session:
            return session.scalar(select(LoginSession.last_seen_at))

    clock.advance(seconds=30)
    sessions.resume(key)
    assert last_seen() == START
    clock.advance(seconds=40)
    sessions.resume(key)
    assert last_seen() == START + timedelta(seconds=70)


def test_ending_one_session_leaves_the_others(db: Engine, user_id: int) -> None:
    sessions = LoginSessions(db)
    laptop, phone = sessions.start(user_id), sessions.start(user_id)
    assert sessions.count(user_id) == 2
    sessions.end(laptop)
    assert (sessions.resume(laptop), sessions.resume(phone)) == (None, user_id)
    assert sessions.resume("made-up-key") is None


def test_sign_out_everywhere_and_a_new_password_end_every_session(db: Engine, user_id: int) -> None:
    sessions = LoginSessions(db)
    keys = [sessions.start(user_id) for _ in range(3)]
    assert sessions.end_all(user_id) == 3
    assert [sessions.resume(k) for k in keys] == [None, None, None]

    keys = [sessions.start(user_id) for _ in range(2)]
    with Session(db) as session:
        set_password(session, session.get(User, user_id), "another-good-one-9")
        session.commit()
    assert [sessions.resume(k) for k in keys] == [None, None]
