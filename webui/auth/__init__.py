"""Signing in and out: the login page, single sign-on, sessions that end, the sign-in throttle, the cookie's flags."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.blueprints import BlueprintSetupState

from engine import LoginSessions, LoginThrottle, SessionLimits, ThrottleLimits

from ..extensions import db, login_manager
from . import cookies, login_session, sso  # noqa: F401  (sso adds its two routes to bp)
from .oidc import OidcSettings, Provider
from .routes import bp


def _set_up(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    config = app.config
    clock = lambda: app.extensions["opsflow.engine"].clock()  # noqa: E731  (tests move the engine's clock)
    with app.app_context():
        sessions = LoginSessions(db.engine, clock, SessionLimits(
            idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            lifetime=timedelta(hours=config["SESSION_LIFETIME_HOURS"])))
        throttle = LoginThrottle(db.engine, clock, ThrottleLimits(
            user_failures=config["LOGIN_MAX_FAILURES"], address_failures=config["LOGIN_ADDRESS_MAX_FAILURES"],
            window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
            lock=timedelta(minutes=config["LOGIN_LOCK_MINUTES"])))
    app.extensions["opsflow.login_sessions"] = sessions
    app.extensions["opsflow.login_throttle"] = throttle
    settings = OidcSettings.from_config(config)  # a half-configured single sign-on stops the start here
    app.extensions["opsflow.sso"] = Provider(settings, clock) if settings else None
    app.extensions["opsflow.password_sign_in"] = settings.password_sign_in if settings else True
    login_manager.user_loader(login_session.load_user)
    app.before_request(login_session.check_early)
    cookies.install(app)


bp.record_once(_set_up)

__all__ = ["bp"]
