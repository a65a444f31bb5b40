"""The argon2 parameters OpsFlow hashes with, and a weaker hash replaced at the next sign-in.

The rest of the suite hashes at argon2's least cost (tests/conftest.py); these tests run with the
parameters a real install uses.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import User, authenticate, create_user
from engine.identity.passwords import hash_password, verify_password

pytestmark = pytest.mark.usefixtures("production_passwords")


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with Session(db) as s:
        yield s


def test_new_hashes_are_argon2id_at_owasps_first_recommendation() -> None:
    stored = hash_password("plum-kite-harbour-7")
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (47104, 1, 1)
    assert verify_password(stored, "plum-kite-harbour-7").ok and not verify_password(stored, "wrong").ok


def test_a_hash_with_weaker_parameters_is_replaced_at_the_next_sign_in(session: Session) -> None:
    create_user(session, "mei", "plum-kite-harbour-7")
    session.commit()
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("plum-kite-harbour-7")
    session.scalar(select(User).where(User.username == "mei")).password_hash = weak
    session.commit()
    assert verify_password(weak, "plum-kite-harbour-7").needs_new_hash
    assert authenticate(session, "mei", "not-the-password") is None
    assert session.scalar(select(User.password_hash).where(User.username == "mei")) == weak
    assert authenticate(session, "mei", "plum-kite-harbour-7") is not None
    session.commit()
    stored = session.scalar(select(User.password_hash).where(User.username == "mei"))
    assert extract_parameters(stored).memory_cost == 47104
