"""Bearer-token authentication: `Authorization: Bearer <token>`, tokens from the account page or the CLI.

The API never looks at the login session cookie, so a browser that
happens to be signed in cannot be driven into API calls (and CSRF does
not apply). Tokens are stored hashed; the engine looks them up.

A token's scope must cover the request: GET needs `read`, anything else
`act`, and the views marked `needs_scope("admin")` `admin`; otherwise 403
naming the scope needed. An unknown token counts against the client
address like a wrong password (its own counter, so a misconfigured
integration cannot lock people out of the sign-in page); a locked address
gets 429 for every token until the lock ends. Expired and revoked tokens
are refused but not counted: they were real, so nobody is guessing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app, g, request

from engine import TOKEN_ADDRESS, Actor, ThrottleKey, identify_bearer, note_use, scope_allows, write_sessions

from ..auth.sign_in import client_address, seconds_left, throttle
from ..extensions import db, workflow_engine, workplace
from .errors import ApiError

_CHALLENGE = 'Bearer realm="opsflow"'
_REFUSED = {"unknown": "the token is unknown", "expired": "the token has expired",
            "revoked": "the token was revoked", "inactive": "the token belongs to a deactivated user"}
View = TypeVar("View", bound=Callable[..., object])


@dataclass(frozen=True)
class Caller:
    """Who is calling, copied out of the database session so no ORM object outlives the lookup."""

    actor: Actor
    department: str | None
    scope: str


def needs_scope(scope: str) -> Callable[[View], View]:
    """Mark a view as needing more than its method's default scope (read for GET, act otherwise)."""
    def mark(view: View) -> View:
        view.api_scope = scope  # type: ignore[attr-defined]
        return view
    return mark


def _needed_scope() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "api_scope", "read" if request.method in ("GET", "HEAD") else "act")


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "authentication required", "send the header 'Authorization: Bearer <token>'",
                       {"WWW-Authenticate": _CHALLENGE})
    return token.strip()


def authenticate_request() -> Actor:
    """Run by the access gate before every API view: put the caller in `g`, or answer 401, 403 or 429."""
    token, address = _bearer_token(), ThrottleKey.address(client_address(), TOKEN_ADDRESS)
    now = workflow_engine().clock()
    with db.engine.connect() as connection:  # the engine runs its own transactions: this one ends here
        bearer = identify_bearer(connection, token, address, now)
        if bearer.actor is not None:
            actor = workplace().with_deputy_groups(connection, bearer.actor)
    if bearer.problem == "locked":
        wait = seconds_left(bearer.locked_until)
        raise ApiError(429, "too many invalid tokens", f"this address may try again in {wait} s",
                       {"Retry-After": str(wait)})
    if bearer.problem is not None or bearer.scope is None or bearer.token_id is None:
        if bearer.problem == "unknown":
            throttle().record_failure([address])
        raise ApiError(401, "invalid token", _REFUSED.get(bearer.problem or "", "the token is not valid"),
                       {"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'})
    g.api_caller = Caller(actor, actor.department, bearer.scope)
    if not bearer.used_recently:
        with write_sessions(db.engine)() as session, session.begin():
            note_use(session, bearer.token_id, now)
    needed = _needed_scope()
    if not scope_allows(g.api_caller.scope, needed):
        raise ApiError(403, "insufficient scope", f"this request needs a token with scope '{needed}'",
                       {"WWW-Authenticate": f'{_CHALLENGE}, error="insufficient_scope", scope="{needed}"'})
    return g.api_caller.actor


def caller() -> Caller:
    return g.api_caller
