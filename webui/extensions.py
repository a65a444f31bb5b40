"""Flask extensions, created once and bound in create_app, and the accessors views use."""
from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engine import Actor, Base, User, WorkflowEngine

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def workflow_engine() -> WorkflowEngine:
    return current_app.extensions["opsflow.engine"]


def actor_for(user: User) -> Actor:
    return Actor(user.username, frozenset(user.group_names), frozenset(user.role_names))
