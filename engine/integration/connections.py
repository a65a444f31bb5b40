"""Named connections to other systems: a base URL and credentials, kept encrypted, that `http.request` uses.

A BPMN file names the connection, never its address or secret, so the same flow runs against a test
and a production ERP, and rotating a password is one change on the admin screen. Saving one is audited
without its credentials.
"""
from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import InvalidData, NotFound
from .models import Connection
from .subscriptions import check_url

AUTH_KINDS = ("none", "bearer", "basic", "header")


def save(session: Session, *, name: str, base_url: str, auth: str = "none", credentials: str | None = None,
         header_name: str | None = None, actor: str, now: datetime) -> Connection:
    """Create the connection `name`, or change it; empty credentials keep the ones stored."""
    name, auth = (name or "").strip(), (auth or "none").strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 100 or not name.replace("_", "").replace("-", "").isalnum():
        errors["name"] = "required: letters, digits, - and _, at most 100"
    try:
        base_url = check_url(base_url, "base_url")
    except InvalidData as exc:
        errors.update(exc.errors)
    if auth not in AUTH_KINDS:
        errors["auth"] = f"one of {', '.join(AUTH_KINDS)}"
    if auth == "header" and not (header_name or "").strip():
        errors["header_name"] = "required for header authentication"
    if auth == "basic" and credentials and ":" not in credentials:
        errors["credentials"] = "user:password for basic authentication"
    conn = session.scalar(select(Connection).where(Connection.name == name)) if name else None
    if auth != "none" and not credentials and (conn is None or not conn.credentials):
        errors["credentials"] = "required for this authentication"
    if errors:
        raise InvalidData(errors)
    if conn is None:
        conn = Connection(name=name, active=True)
        session.add(conn)
    conn.base_url, conn.auth, conn.header_name = base_url, auth, (header_name or "").strip() or None
    if credentials:
        conn.credentials = credentials
    if auth == "none":
        conn.credentials = None
    conn.updated_by, conn.updated_at = actor, now
    session.flush()
    audit.record(session, actor, "admin.connection_saved", f"connection {name}", now, base_url=base_url, auth=auth,
                 credentials_changed=bool(credentials))
    return conn


def get(session: Session, name: str) -> Connection:
    conn = session.scalar(select(Connection).where(Connection.name == name, Connection.active.is_(True)))
    if conn is None:
        raise NotFound(f"no active connection {name!r} (Admin → Connections)")
    return conn


def address(conn: Connection, path: str) -> str:
    """The base URL with the path after it; a path cannot leave the connection's host."""
    path = (path or "").strip()
    if "://" in path or path.startswith("//") or "\\" in path:
        raise InvalidData({"path": "a path below the connection's base URL, not an address"})
    return conn.base_url.rstrip("/") + ("/" + path.lstrip("/") if path else "")


def auth_headers(conn: Connection) -> dict[str, str]:
    if conn.auth == "bearer" and conn.credentials:
        return {"Authorization": f"Bearer {conn.credentials}"}
    if conn.auth == "basic" and conn.credentials:
        return {"Authorization": "Basic " + base64.b64encode(conn.credentials.encode()).decode()}
    if conn.auth == "header" and conn.credentials and conn.header_name:
        return {conn.header_name: conn.credentials}
    return {}
