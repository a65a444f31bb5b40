"""Flask extensions, created once and bound in create_app, and the accessors views use."""
from __future__ import annotations

from flask import current_app, g, has_request_context
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engine import Actor, Base, User, WorkflowEngine, Workplace

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def workflow_engine() -> WorkflowEngine:
    return current_app.extensions["opsflow.engine"]


def workplace() -> Workplace:
    return current_app.extensions["opsflow.workplace"]


def actor_for(user: User) -> Actor:
    """The engine's Actor for a user; a deputy also holds the groups of whoever they stand in for today.

    Built once per request and user (the access rule, the view and the page's header all ask): the
    deputies' groups are a query each time otherwise.
    """
    actor = Actor(user.username, frozenset(user.group_names), frozenset(user.role_names), user.department)
    known: dict[Actor, Actor] | None = g.setdefault("opsflow_actors", {}) if has_request_context() else None
    if known is not None and actor in known:
        return known[actor]
    workplace = current_app.extensions.get("opsflow.workplace")
    full = workplace.with_deputy_groups(db.session, actor) if workplace else actor
    if known is not None:
        known[actor] = full
    return full
