"""API tokens on the account page: make one (shown once), see yours with their last use, revoke them.

Administrators also get every user's tokens, to revoke one that leaked.
A new token is shown in the answer to the form that made it and nowhere
else: not in a flash message, which would carry it in the session cookie.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, SCOPES, ApiToken, InvalidData, create_token, revoke_token
from engine import tokens_page as query_tokens

from ..access import Roles, SignedIn, guard
from ..extensions import db, workflow_engine
from . import bp

PAGE_SIZE = 20
SCOPE_LABELS = {"read": _l("read: look only"), "act": _l("act: also start, claim, complete and comment"),
                "admin": _l("admin: also the administrators' endpoints")}
FIELD_ERRORS = {"scope": _l("Choose one of the scopes offered."),
                "days": _l("Between 1 and %(num)d days.", num=MAX_TOKEN_DAYS),
                "name": _l("At most 100 characters.")}


@dataclass(frozen=True)
class TokenPage:
    rows: list[ApiToken]
    page: int
    pages: int
    total: int


def _page(user_id: int | None) -> TokenPage:
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = query_tokens(db.session, user_id=user_id, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return TokenPage(rows, number, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total)


def _render(status: int = 200, **context: object) -> tuple[str, int]:
    scopes = [s for s in SCOPES if s != "admin" or current_user.has_role("admin")]
    context = {"errors": {}, "form": {}, **context}
    return render_template("account/tokens.html", listing=_page(current_user.id), now=workflow_engine().clock(),
                           scopes=scopes, scope_labels=SCOPE_LABELS, default_days=DEFAULT_TOKEN_DAYS,
                           max_days=MAX_TOKEN_DAYS, **context), status


@bp.get("/tokens")
@guard(SignedIn("their own API tokens"))
@login_required
def tokens() -> tuple[str, int]:
    return _render()


@bp.post("/tokens")
@guard(SignedIn("their own API tokens"))
@login_required
def create() -> tuple[str, int]:
    form = {"name": request.form.get("name", "").strip(), "scope": request.form.get("scope", ""),
            "days": request.form.get("days", "").strip()}
    if not form["days"].isdigit():
        return _render(422, errors={"days": FIELD_ERRORS["days"]}, form=form)
    try:
        token = create_token(db.session, current_user.username, scope=form["scope"], days=int(form["days"]),
                             name=form["name"], now=workflow_engine().clock())
    except InvalidData as exc:
        db.session.rollback()
        return _render(422, errors={f: FIELD_ERRORS[f] for f in exc.errors}, form=form)
    db.session.commit()
    return _render(new_token=token)


@bp.get("/all-tokens")
@guard(Roles(("admin",)))
@login_required
def all_tokens() -> str:
    if not current_user.has_role("admin"):
        abort(403)
    return render_template("account/all_tokens.html", listing=_page(None), now=workflow_engine().clock())


@bp.post("/tokens/<int:token_id>/revoke")
@guard(SignedIn("their own tokens; the engine refuses others' unless an administrator"))
@login_required
def revoke(token_id: int) -> Response:
    """The owner or an administrator; others get 403 (the engine says so)."""
    row = revoke_token(db.session, token_id, current_user, now=workflow_engine().clock())
    name = row.name or f"#{row.id}"
    db.session.commit()
    flash(_("Token %(name)s is revoked; it no longer works.", name=name), "info")
    back = request.form.get("back")
    return redirect(url_for(".all_tokens") if back == "all" else url_for(".tokens"))
