"""Only administrators see the admin pages."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from engine import Actor, Forbidden
from rules import FactProviders, RuleStore

from ..extensions import actor_for
from ..scheduler import Scheduler


def admin() -> Actor:
    actor = actor_for(current_user)
    if not actor.is_admin:
        raise Forbidden("administrators only")
    return actor


def rule_store() -> RuleStore:
    return current_app.extensions["opsflow.rules"]


def fact_providers() -> FactProviders:
    return current_app.extensions["opsflow.facts"]


def scheduler() -> Scheduler:
    return current_app.extensions["opsflow.scheduler"]
