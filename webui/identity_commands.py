"""`opsflow` commands for people and tokens: create-user, deactivate-user, create-token, list-tokens,
revoke-token."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine import (
    DEFAULT_TOKEN_DAYS,
    SCOPES,
    InvalidData,
    NotFound,
    User,
    create_token,
    create_user,
    deactivate_user,
    revoke_token,
    tokens_page,
)

from .extensions import db, workflow_engine


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


@click.command("create-user")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="asked for when left out, so it stays out of the shell's history")
@click.option("--groups", default="", help="comma-separated group names")
@click.option("--roles", default="", help="comma-separated roles: requester, manager, designer, admin")
@click.option("--department", default=None)
@with_appcontext
def create_user_command(name: str, password: str, groups: str, roles: str, department: str | None) -> None:
    """Create a user, or update the password, groups and roles of an existing one.

    The password must have at least 10 characters, must not contain the user name and must not be a
    common one. A changed password signs the user out everywhere."""
    try:
        create_user(db.session, name, password, groups=_split(groups), roles=_split(roles), department=department)
    except InvalidData as exc:
        _fail("; ".join(f"{field} {message}" for field, message in exc.errors.items()))
    db.session.commit()
    click.echo(f"user {name} saved")


@click.command("deactivate-user")
@click.argument("name")
@with_appcontext
def deactivate_user_command(name: str) -> None:
    """Stop user NAME signing in or using API tokens; their open sessions end at once."""
    try:
        deactivate_user(db.session, name)
    except LookupError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"user {name} deactivated")


@click.command("create-token")
@click.argument("user")
@click.option("--scope", type=click.Choice(SCOPES), default="read", show_default=True,
              help="read: GET only; act: also start, claim, complete, comment; admin: also the admin endpoints")
@click.option("--days", type=int, default=DEFAULT_TOKEN_DAYS, show_default=True, help="days until it expires")
@click.option("--name", "label", default="", help="what the token is for, shown in the token lists")
@with_appcontext
def create_token_command(user: str, scope: str, days: int, label: str) -> None:
    """Print a new API token for USER (only its hash is stored, so it is shown this once)."""
    try:
        token = create_token(db.session, user, scope=scope, days=days, name=label or "command line",
                             now=workflow_engine().clock())
    except LookupError as exc:
        _fail(str(exc))
    except InvalidData as exc:
        _fail("; ".join(f"--{field} {message}" for field, message in exc.errors.items()))
    db.session.commit()
    click.echo(token)


@click.command("list-tokens")
@click.argument("user", required=False)
@with_appcontext
def list_tokens_command(user: str | None) -> None:
    """List API tokens (USER's, or everyone's): id, user, name, scope, status, expiry, last use."""
    user_id = None
    if user is not None:
        user_id = db.session.scalar(select(User.id).where(User.username == user))
        if user_id is None:
            _fail(f"no user named {user!r}")
    now = workflow_engine().clock()
    rows, total = tokens_page(db.session, user_id=user_id, limit=1000, offset=0)
    for t in rows:
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
        click.echo(f"{t.id}\t{t.user.username}\t{t.name or '-'}\t{t.scope}\t{t.status(now)}\t"
                   f"expires {t.expires_at:%Y-%m-%d}\t{used}")
    if total > len(rows):
        click.echo(f"... and {total - len(rows)} more (showing the newest {len(rows)})")


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id: int) -> None:
    """Revoke API token TOKEN_ID (see list-tokens): it stops working at once."""
    try:
        row = revoke_token(db.session, token_id, None, now=workflow_engine().clock())
    except NotFound as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"token {token_id} of {row.user.username} revoked")


COMMANDS = (create_user_command, deactivate_user_command, create_token_command, list_tokens_command,
            revoke_token_command)
