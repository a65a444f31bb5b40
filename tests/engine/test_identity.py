"""Users, groups and API tokens: only hashes are stored, and only active users get in."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import ApiToken, User, authenticate, create_token, create_user, user_for_token


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with Session(db) as s:
        yield s


def test_user_signs_in_with_the_right_password_only(session: Session) -> None:
    create_user(session, "mei", "s3cret-pass", groups=["it-managers", "approvers"], roles=["manager"],
                department="it", display_name="Mei Lin")
    session.commit()
    user = authenticate(session, "mei", "s3cret-pass")
    assert user is not None
    assert (user.group_names, user.role_names, user.department) == (["approvers", "it-managers"], ["manager"], "it")
    assert "s3cret-pass" not in user.password_hash
    assert authenticate(session, "mei", "wrong") is None
    assert authenticate(session, "nobody", "s3cret-pass") is None


def test_create_user_twice_updates_instead_of_duplicating(session: Session) -> None:
    create_user(session, "mei", "first", groups=["a"])
    session.commit()
    create_user(session, "mei", "second", groups=["b"])
    session.commit()
    assert len(list(session.scalars(select(User)))) == 1
    assert authenticate(session, "mei", "second").group_names == ["b"]
    assert authenticate(session, "mei", "first") is None


def test_inactive_user_is_locked_out_of_password_and_token(session: Session) -> None:
    user = create_user(session, "leo", "pw")
    session.commit()
    token = create_token(session, "leo")
    session.commit()
    assert user_for_token(session, token).username == "leo"
    user.active = False
    session.commit()
    assert authenticate(session, "leo", "pw") is None
    assert user_for_token(session, token) is None


def test_tokens_are_stored_as_hashes_and_unknown_ones_fail(session: Session) -> None:
    create_user(session, "api", "pw")
    session.commit()
    token = create_token(session, "api")
    session.commit()
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]
    assert user_for_token(session, token + "x") is None
    with pytest.raises(LookupError):
        create_token(session, "ghost")
