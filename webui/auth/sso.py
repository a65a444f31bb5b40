"""Single sign-on with the company's directory over OpenID Connect: the authorization code flow with PKCE.

`/login/sso` keeps a fresh `state`, `nonce` and PKCE verifier in this browser's signed session and
sends the browser to the provider; `/login/sso/callback` takes them back out (once: a second use of the
same answer finds nothing), checks the `state`, trades the code and verifier for the ID token over the
back channel, has oidc.py verify it, finds the account (sso_accounts.py) and signs in exactly as a
password does: `login_succeeded` opens the server-side session and writes `login.sso` in the audit log.
A refusal is a `login.sso_failed` row with its reason and counts against the client address in the same
throttle as wrong passwords; the person sees why on the login page, in their language, never a 500.
Only an outage (or a person cancelling at the provider) is not counted: it is no guess at anything.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from authlib.common.security import generate_token
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from engine import ThrottleKey, User

from ..access import Public, guard
from ..extensions import db, workflow_engine
from ..form_fields import locale_key
from .oidc import CodeRefused, OidcSettings, Provider, ProviderError, TokenRefused, Unreachable
from .routes import bp, safe_next
from .sign_in import (
    audit_sign_in,
    client_address,
    lock_message,
    login_failed,
    login_refused,
    login_succeeded,
    seconds_left,
    throttle,
)
from .sso_accounts import AccountRefused, account_for

FLOW = "sso_flow"
FLOW_LIFETIME = timedelta(minutes=10)  # from leaving OpsFlow to coming back signed in at the provider
Page = tuple[str, int, dict[str, str]]


@dataclass(eq=False)
class Refusal(Exception):
    reason: str  # for the audit log
    message: str  # for the person, translated
    status: int = 401
    counted: bool = True
    username: str = "-"  # the user name the provider vouched for, once its token is verified


def _provider() -> Provider:
    sso = current_app.extensions.get("opsflow.sso")
    if sso is None:
        abort(404)
    return sso


@bp.context_processor
def _sign_in_options() -> dict[str, object]:
    """What the login page offers: the provider's button, the password form, or both."""
    sso: Provider | None = current_app.extensions.get("opsflow.sso")
    return {"sso_name": sso.settings.name if sso else None,
            "password_sign_in": current_app.extensions["opsflow.password_sign_in"]}


def _address() -> list[ThrottleKey]:
    return [ThrottleKey.address(client_address())]


@bp.get("/login/sso")
@guard(Public())
def sso_login() -> Response | Page:
    sso = _provider()
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    if (until := throttle().locked_until(_address())) is not None:
        return _locked(until)
    flow = {"state": generate_token(43), "nonce": generate_token(43), "verifier": generate_token(64),
            "next": request.args.get("next") or "", "at": workflow_engine().clock().isoformat()}
    try:
        target = sso.authorization_url(_redirect_uri(), flow["state"], flow["nonce"], flow["verifier"],
                                       locale_key())
    except ProviderError as exc:
        return _refused(_unreachable(sso.settings, exc))
    session[FLOW] = flow
    return redirect(target)


@bp.get("/login/sso/callback")
@guard(Public())
def sso_callback() -> Response | Page:
    sso = _provider()
    flow = session.pop(FLOW, None)
    if (until := throttle().locked_until(_address())) is not None:
        return _locked(until)
    try:
        user, detail = _answer(sso, flow if isinstance(flow, dict) else None)
    except Refusal as refusal:
        return _refused(refusal)
    login_succeeded(user, "login.sso", **detail)
    return redirect(safe_next(flow["next"]))


def _answer(sso: Provider, flow: dict[str, Any] | None) -> tuple[User, dict[str, object]]:
    """The account this answer from the provider signs in; Refusal otherwise."""
    settings, args = sso.settings, request.args
    flow = _started_here(flow, args.get("state", ""))
    if args.get("error"):
        raise Refusal(f"the provider answered {args['error'][:60]}", counted=False,
                      message=_("Signing in with %(name)s was cancelled or refused.", name=settings.name))
    try:
        tokens = sso.redeem(args.get("code", ""), _redirect_uri(), flow["verifier"])
        claims = sso.verify(tokens, flow["nonce"])
    except Unreachable as exc:
        raise _unreachable(settings, exc) from exc
    except CodeRefused as exc:
        raise Refusal(exc.reason, _("%(name)s did not confirm this sign-in. Please sign in again.",
                                    name=settings.name)) from exc
    except TokenRefused as exc:
        raise Refusal(exc.reason, _("The answer from %(name)s could not be verified, so you are not signed in.",
                                    name=settings.name)) from exc
    return _account(settings, claims)


def _started_here(flow: dict[str, Any] | None, state: str) -> dict[str, Any]:
    """The flow this browser started, if the answer's `state` is its own and it is recent."""
    again = _("This sign-in was not started here or took too long. Please sign in again.")
    if flow is None or not hmac.compare_digest(str(flow.get("state", "")).encode(), state.encode()):
        raise Refusal("state does not match a sign-in started in this browser", again)
    if workflow_engine().clock() - datetime.fromisoformat(flow["at"]) > FLOW_LIFETIME:
        raise Refusal(f"the answer came more than {FLOW_LIFETIME} after the sign-in started", again)
    return flow


def _account(settings: OidcSettings, claims: Mapping[str, Any]) -> tuple[User, dict[str, object]]:
    try:
        user, detail = account_for(claims, settings)
        db.session.flush()
    except AccountRefused as exc:
        raise Refusal(exc.reason, _refusal_message(settings.name, exc), username=exc.username) from exc
    except IntegrityError as exc:  # someone else made the same account or group at this moment
        raise Refusal("the account changed meanwhile", _("Signing in did not finish. Please try again."),
                      counted=False) from exc
    return user, detail


def _refusal_message(name: str, exc: AccountRefused) -> str:
    if exc.claim:
        return _("%(name)s did not send what OpsFlow needs to sign you in (%(claim)s).", name=name, claim=exc.claim)
    if exc.deactivated:
        return _("The OpsFlow account %(user)s is deactivated.", user=exc.username)
    return _("There is no OpsFlow account for %(user)s. Ask an administrator to add you.", user=exc.username)


def _unreachable(settings: OidcSettings, exc: ProviderError) -> Refusal:
    return Refusal(exc.reason, _("%(name)s cannot be reached just now. Try again in a few minutes.",
                                 name=settings.name), status=503, counted=False)


def _refused(refusal: Refusal) -> Page:
    current_app.logger.warning("single sign-on refused from %s: %s", client_address(), refusal.reason)
    if not refusal.counted:
        db.session.rollback()
        audit_sign_in(refusal.username, "login.sso_failed", reason=refusal.reason)
        return render_template("auth/login.html", error=refusal.message), refusal.status, {}
    until = login_failed(refusal.username, _address(), "login.sso_failed", reason=refusal.reason)
    if until is not None:
        return _lock_page(until)
    return render_template("auth/login.html", error=refusal.message), refusal.status, {}


def _locked(until: datetime) -> Page:
    login_refused("-", until)
    return _lock_page(until)


def _lock_page(until: datetime) -> Page:
    return (render_template("auth/login.html", error=lock_message(until)), 429,
            {"Retry-After": str(seconds_left(until))})


def _redirect_uri() -> str:
    """Where the provider sends the browser back; register it with the provider as the redirect URI."""
    return url_for("auth.sso_callback", _external=True)
