"""The gate every request passes: each view declares the rule that guards it, and one
`before_request` applies the rule through the engine's `AccessPolicy` before the view runs.

A view without a rule is refused (and tests/webui/test_access_routes.py fails on it), so
a new page cannot be reachable by accident. Rules name what a view serves — a record
list, an instance, a task, a process to start, an admin screen — never a role check
written inside the view. The engine applies the same policy again to what it returns.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

from engine import AccessPolicy, Actor, Forbidden, Job, NotFound, OpsFlowError, bulk_start

from .extensions import actor_for, db, login_manager

V = TypeVar("V", bound=Callable[..., Any])


class Rule:
    """What a view needs of its caller; `check` raises Forbidden or NotFound."""

    public = False

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class Public(Rule):
    """The sign-in page, the language switch, static files: no account needed."""

    public = True


@dataclass(frozen=True)
class SignedIn(Rule):
    """Anyone signed in; `scope` says what limits the page itself (your own tasks, your own requests)."""

    scope: str


@dataclass(frozen=True)
class Roles(Rule):
    roles: tuple[str, ...]

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        if not (actor.is_admin or actor.roles & set(self.roles)):
            raise Forbidden(f"for {' or '.join(self.roles)} only")


@dataclass(frozen=True)
class Records(Rule):
    """A record list of a module (`hr.reviews`): reading it, or importing into it."""

    name: str
    right: str = "read"
    own: bool = False  # everyone reads the rows that are theirs (the list keeps them to those)

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        if self.right == "import":
            if not policy.allows(db.session, actor, f"records:{self.name}", "import"):
                raise Forbidden(f"you may not import {self.name}")
        elif not self.own and policy.record_scope(db.session, actor, self.name) is None:
            raise Forbidden(f"you may not read {self.name}")


@dataclass(frozen=True)
class Starts(Rule):
    process: str

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        if not policy.may_start(db.session, actor, self.process):
            raise Forbidden(f"you may not start {self.process}")


@dataclass(frozen=True)
class StartsNamed(Rule):
    """A process named by the URL (`arg`), for whoever the policy lets start it."""

    arg: str = "key"

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        if not policy.may_start(db.session, actor, str(args[self.arg])):
            raise Forbidden(f"you may not start {args[self.arg]}")


@dataclass(frozen=True)
class BulkStartOf(Rule):
    """A sheet of starts named by the URL: only whoever sent it (or an administrator) follows it."""

    arg: str = "job_id"

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        job = db.session.get(Job, int(args[self.arg]))
        if job is None or job.kind != bulk_start.BULK_START_JOB:
            raise NotFound(f"no sheet of starts {args[self.arg]}")
        if not actor.is_admin and (job.payload or {}).get("actor", {}).get("username") != actor.username:
            raise NotFound(f"no sheet of starts {args[self.arg]}")


@dataclass(frozen=True)
class InstanceOf(Rule):
    """An instance named by the URL, seen by whoever the policy lets see it."""

    arg: str = "instance_id"

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        policy.check_instance(db.session, args[self.arg], actor)


@dataclass(frozen=True)
class TaskOf(Rule):
    """A task named by the URL: whoever may see its instance may see it (acting on it is the engine's check)."""

    arg: str = "task_id"

    def check(self, policy: AccessPolicy, actor: Actor, args: dict[str, Any]) -> None:
        policy.check_task(db.session, str(args[self.arg]), actor)


def guard(rule: Rule) -> Callable[[V], V]:
    """Declare the rule of a view; put it right under the route decorator."""
    def mark(view: V) -> V:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view
    return mark


def rule_of(app: Flask, endpoint: str) -> Rule | None:
    if endpoint == "static":
        return Public()
    return getattr(app.view_functions.get(endpoint), "access_rule", None)


def policy() -> AccessPolicy:
    return current_app.extensions["opsflow.policy"]


def current_actor() -> Actor:
    """Who this request acts for: the API's token holder, or the signed-in person."""
    actor = g.get("actor")
    if actor is None:
        actor = g.actor = actor_for(current_user)
    return actor


def _gate() -> Response | None:
    if request.endpoint is None:
        return None  # no such URL: routing answers 404/405
    rule = rule_of(current_app, request.endpoint)
    api = request.blueprint == "api"
    if rule is None:
        current_app.logger.error("no access rule for endpoint %s: refused", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if api:
        from .api.auth import authenticate_request

        g.actor = authenticate_request()
    elif not current_user.is_authenticated:
        return login_manager.unauthorized()
    try:
        rule.check(policy(), current_actor(), request.view_args or {})
    except OpsFlowError as exc:
        if api:
            raise
        abort(exc.status, description=exc.message)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_gate)


__all__ = ["BulkStartOf", "InstanceOf", "Public", "Records", "Roles", "Rule", "SignedIn", "Starts", "StartsNamed",
           "TaskOf", "current_actor", "guard", "init_app", "policy", "rule_of"]
