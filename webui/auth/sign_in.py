"""One sign-in attempt: refused while locked, else the password checked, the outcome counted.

Only wrong passwords count, per user name as typed and per client address
(`request.remote_addr`; see cookies.py for proxies). An unknown name is
counted, checked and answered exactly like a known one, and a lock shows
the same message for both. A success clears the user name's count; the
address keeps its count until its window passes, so an attacker who owns
one account cannot reset it between guesses at others.

`login_succeeded`, `login_failed`, `login_locked` and `login_refused` are
the one place each where those outcomes happen.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request
from flask_babel import ngettext

from engine import LoginThrottle, ThrottleKey, User, audit, authenticate

from ..extensions import db, workflow_engine
from . import login_session


@dataclass(frozen=True)
class Attempt:
    user: User | None = None
    locked_until: datetime | None = None


def throttle() -> LoginThrottle:
    return current_app.extensions["opsflow.login_throttle"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def keys_for(username: str) -> list[ThrottleKey]:
    return [ThrottleKey.user(username), ThrottleKey.address(client_address())]


def seconds_left(until: datetime) -> int:
    return max(1, math.ceil((until - workflow_engine().clock()).total_seconds()))


def lock_message(until: datetime) -> str:
    """The same words whether the name exists or not, and whether the name or the address is locked."""
    minutes = math.ceil(seconds_left(until) / 60)
    return ngettext("Too many failed sign-ins. Try again in %(num)d minute.",
                    "Too many failed sign-ins. Try again in %(num)d minutes.", minutes)


def sign_in(username: str, password: str) -> Attempt:
    keys = keys_for(username)
    until = throttle().locked_until(keys)
    if until is not None:
        login_refused(username, until)
        return Attempt(locked_until=until)
    user = authenticate(db.session, username, password)
    if user is None:
        return Attempt(locked_until=login_failed(username, keys))
    db.session.commit()  # a password stored under the old scheme got its new hash
    login_succeeded(user)
    return Attempt(user=user)


def audit_sign_in(username: str, action: str, **detail: object) -> None:
    """Sign-ins are in the audit log, in a transaction of their own (a failure has nothing else to commit)."""
    audit.record(db.session, username[:100], action, f"user {username}"[:300], workflow_engine().clock(), **detail)
    db.session.commit()


def login_succeeded(user: User, action: str = "login", **detail: object) -> None:
    """Also the end of a single sign-on (`login.sso`), so both ways in open the same kind of session."""
    audit_sign_in(user.username, action, **detail)  # first: the throttle writes on a connection of its own
    throttle().clear(ThrottleKey.user(user.username))
    login_session.begin(user)


def login_failed(username: str, keys: list[ThrottleKey], action: str = "login.failed",
                 **detail: object) -> datetime | None:
    """A wrong password (or an unknown or deactivated user, or a refused single sign-on); returns when the
    lock it caused ends. Nothing the attempt wrote is kept."""
    db.session.rollback()
    until = throttle().record_failure(keys)
    audit_sign_in(username, action, **detail)
    if until is not None:
        login_locked(username, until)
    return until


def login_locked(username: str, until: datetime) -> None:
    current_app.logger.warning("sign-in locked for user name %r or address %s until %s", username,
                               client_address(), until)
    audit_sign_in(username, "login.locked", until=until.isoformat(timespec="seconds"))


def login_refused(username: str, until: datetime) -> None:
    """An attempt while the user name or the address is locked: the password is not even checked."""
    current_app.logger.info("sign-in refused while locked: user name %r, address %s", username, client_address())
    audit_sign_in(username, "login.refused")
