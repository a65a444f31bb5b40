"""API tokens: stored as hashes, with a scope and an expiry, revocable by their owner or an administrator."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import (
    ApiToken,
    Forbidden,
    InvalidData,
    User,
    check_token,
    create_token,
    create_user,
    note_use,
    revoke_token,
    scope_allows,
    tokens_page,
    user_for_token,
)

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with Session(db) as s:
        for name, roles in (("leo", []), ("ops", ["admin"]), ("eve", [])):
            create_user(s, name, "plum-kite-harbour-7", roles=roles)
        s.commit()
        yield s


def user(session: Session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


def test_tokens_are_stored_as_hashes_and_unknown_ones_fail(session: Session) -> None:
    token = create_token(session, "leo", scope="read", now=NOW)
    session.commit()
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]
    assert check_token(session, token + "x", NOW).problem == "unknown"
    with pytest.raises(LookupError):
        create_token(session, "ghost", scope="read")


def test_a_token_expires_after_its_days(session: Session) -> None:
    token = create_token(session, "leo", scope="act", days=30, now=NOW)
    session.commit()
    assert check_token(session, token, NOW + timedelta(days=29, hours=23)).user.username == "leo"
    expired = check_token(session, token, NOW + timedelta(days=30))
    assert (expired.user, expired.problem) == (None, "expired")


def test_bad_scope_days_or_name_are_refused_naming_the_field(session: Session) -> None:
    with pytest.raises(InvalidData) as refused:
        create_token(session, "leo", scope="write", days=0, name="x" * 101)
    assert set(refused.value.errors) == {"scope", "days", "name"}
    with pytest.raises(InvalidData) as refused:
        create_token(session, "leo", scope="admin")
    assert refused.value.errors == {"scope": "admin needs a user with the admin role"}
    create_token(session, "ops", scope="admin")  # an administrator may


def test_scopes_are_ordered_read_act_admin() -> None:
    assert scope_allows("admin", "act") and scope_allows("act", "read") and scope_allows("read", "read")
    assert not scope_allows("read", "act") and not scope_allows("act", "admin")


def test_the_owner_or_an_administrator_revokes_a_token(session: Session) -> None:
    mine = create_token(session, "leo", scope="act", now=NOW)
    session.commit()
    row = session.scalar(select(ApiToken))
    with pytest.raises(Forbidden):
        revoke_token(session, row.id, user(session, "eve"), now=NOW)
    revoke_token(session, row.id, user(session, "ops"), now=NOW)
    session.commit()
    assert check_token(session, mine, NOW).problem == "revoked"
    assert (row.revoked_at, row.revoked_by) == (NOW, "ops")


def test_a_deactivated_users_token_stops_working(session: Session) -> None:
    token = create_token(session, "leo", scope="read", now=NOW)
    user(session, "leo").active = False
    session.commit()
    assert user_for_token(session, token, NOW) is None
    assert check_token(session, token, NOW).problem == "inactive"


def test_last_use_is_written_at_most_once_a_minute(session: Session) -> None:
    create_token(session, "leo", scope="read", now=NOW)
    session.commit()
    row = session.scalar(select(ApiToken))
    for seconds in (0, 30, 59, 61):
        note_use(session, row.id, NOW + timedelta(seconds=seconds))
    session.commit()
    session.refresh(row)
    assert row.last_used_at == NOW + timedelta(seconds=61)
    assert row.used_recently(NOW + timedelta(seconds=100)) and not row.used_recently(NOW + timedelta(seconds=130))


def test_token_lists_page_newest_first(session: Session) -> None:
    for n in range(5):
        create_token(session, "leo", scope="read", name=f"t{n}", now=NOW + timedelta(minutes=n))
    create_token(session, "ops", scope="read", name="other", now=NOW)
    session.commit()
    rows, total = tokens_page(session, user_id=user(session, "leo").id, limit=2, offset=2)
    assert ([r.name for r in rows], total) == (["t2", "t1"], 5)
    assert tokens_page(session, user_id=None, limit=10, offset=0)[1] == 6
