"""REST API v1 for administrators: the rule sets with their schedules, and changing a schedule."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from werkzeug.wrappers import Response

from engine import Forbidden
from rules import RuleError, RuleSet, RuleStore

from ..access import Roles, guard
from . import schemas as s
from .auth import caller, needs_scope
from .describe import operation
from .errors import ApiError
from .paging import KEYSET_QUERY, NEXT_LINK, cursor_arg, limit_arg, page_in, page_of, page_response
from .parse import model_body, required_text
from .routes import bp


def _store() -> RuleStore:
    if not caller().actor.is_admin:
        raise Forbidden("administrators only")
    return current_app.extensions["opsflow.rules"]


def _rule_set_json(store: RuleStore, rs: RuleSet, next_runs: dict[int, Any]) -> dict[str, Any]:
    return {"id": rs.id, "name": rs.name, "process_key": rs.process_key, "task_name": rs.task_name,
            "schedule": rs.schedule, "timezone": store.timezone, "next_run": next_runs[rs.id].isoformat() + "Z"}


@bp.get("/rule-sets")
@operation("The rule sets with their schedules (administrators)", "rule sets",
           {200: ("the rule sets", page_of(s.RuleSetAnswer))}, headers=NEXT_LINK, query=KEYSET_QUERY)
@guard(Roles(("admin",)))
@needs_scope("admin")
def list_rule_sets() -> Response:
    store = _store()
    next_runs = store.next_runs()
    page, after = page_in(store.rule_sets(), lambda rs: [rs.id], limit_arg(), cursor_arg())
    return page_response([_rule_set_json(store, rs, next_runs) for rs in page], after)


@bp.put("/rule-sets/<int:rule_set_id>/schedule")
@operation("Change when a rule set runs (administrators)", "rule sets", {200: ("the rule set", s.RuleSetAnswer)},
           body=s.Schedule)
@guard(Roles(("admin",)))
@needs_scope("admin")
def set_rule_set_schedule(rule_set_id: int) -> Response:
    store = _store()
    schedule = required_text(model_body(s.Schedule), "schedule")
    try:
        rule_set = store.set_schedule(rule_set_id, schedule, caller().actor.username)
    except RuleError as exc:
        raise ApiError(400, "invalid schedule", {"schedule": "; ".join(exc.problems)}) from None
    return jsonify(_rule_set_json(store, rule_set, store.next_runs()))
