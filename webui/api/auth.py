"""Bearer-token authentication: `Authorization: Bearer <token>`, tokens from `opsflow create-token`.

The API never looks at the login session cookie, so a browser that
happens to be signed in cannot be driven into API calls (and CSRF does
not apply). Tokens are stored hashed; the engine looks them up.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from engine import Actor, user_for_token

from ..extensions import actor_for, db
from .errors import ApiError

_CHALLENGE = 'Bearer realm="opsflow"'


@dataclass(frozen=True)
class Caller:
    """Who is calling, copied out of the database session so no ORM object outlives the lookup."""

    actor: Actor


def authenticate_request() -> Actor:
    """Run by the access gate before every API view: put the caller in `g`, or answer 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "authentication required", "send the header 'Authorization: Bearer <token>'",
                       {"WWW-Authenticate": _CHALLENGE})
    user = user_for_token(db.session, token)
    if user is None:
        raise ApiError(401, "invalid token", "the token is unknown, revoked or belongs to an inactive user",
                       {"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'})
    g.api_caller = Caller(actor_for(user))
    return g.api_caller.actor


def caller() -> Caller:
    return g.api_caller
