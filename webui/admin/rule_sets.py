"""Rule sets: list, schedule, edit the draft, publish a version, backtest it; escalation policies."""
from __future__ import annotations

import json
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from engine import Conflict, utcnow
from rules import RuleError, backtest
from rules.escalation import policies, set_policy

from .. import bounded_json
from ..access import Roles, guard
from ..extensions import workflow_engine
from ..formatting import entered
from . import bp
from .access import admin, fact_providers, rule_store


@bp.get("/rules")
@guard(Roles(("admin",)))
@login_required
def rule_sets() -> str:
    admin()
    store = rule_store()
    next_runs = store.next_runs()
    rows = [(rs, store.live(rs.id), store.draft(rs.id), next_runs.get(rs.id)) for rs in store.rule_sets()]
    return render_template("admin/rules.html", rows=rows, policies=policies(store),
                           processes=workflow_engine().processes(), timezone=store.timezone)


@bp.post("/rules")
@guard(Roles(("admin",)))
@login_required
def create_rule_set() -> Response | tuple[str, int]:
    actor = admin()
    form = request.form
    missing = [f for f in ("name", "process_key", "task_name") if not form.get(f, "").strip()]
    if missing:
        flash(_("Please fill in: %(fields)s", fields=", ".join(missing)), "error")
        return redirect(url_for("admin.rule_sets"))
    try:
        rule_set_id = rule_store().create(form["name"].strip(), form["process_key"].strip(),
                                          form["task_name"].strip(), actor.username)
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.rule_sets"))
    return redirect(url_for("admin.rule_set", rule_set_id=rule_set_id))


def _page(rule_set_id: int, draft_text: str | None = None, problems: list[str] | None = None,
          result: object = None, days: int = 30, schedule_text: str | None = None) -> str:
    store = rule_store()
    rule_set = store.get(rule_set_id)
    draft = store.draft(rule_set_id)
    live = store.live(rule_set_id)
    if draft_text is None:
        source = draft or live
        draft_text = json.dumps(source.rules if source else [], ensure_ascii=False, indent=2)
    return render_template("admin/rule_set.html", rule_set=rule_set, draft=draft, live=live,
                           versions=store.versions(rule_set_id), audit=store.audit(rule_set_id)[:50],
                           draft_text=draft_text, problems=problems or [], result=result, days=days,
                           facts=fact_providers().names(), schedule_text=schedule_text or rule_set.schedule,
                           next_run=store.next_runs().get(rule_set_id), last_run=store.last_run(rule_set_id),
                           timezone=store.timezone)


@bp.get("/rules/<int:rule_set_id>")
@guard(Roles(("admin",)))
@login_required
def rule_set(rule_set_id: int) -> str:
    admin()
    return _page(rule_set_id)


@bp.post("/rules/<int:rule_set_id>/draft")
@guard(Roles(("admin",)))
@login_required
def save_draft(rule_set_id: int) -> Response | tuple[str, int]:
    actor = admin()
    text = request.form.get("rules", "")
    try:
        rule_store().save_draft(rule_set_id, bounded_json.loads(text), actor.username)
    except json.JSONDecodeError as exc:
        return _page(rule_set_id, text, [_("rules: not valid JSON (line %(line)s): %(msg)s",
                                           line=exc.lineno, msg=exc.msg)]), 422
    except RuleError as exc:
        return _page(rule_set_id, text, exc.problems), 422
    except ValueError as exc:  # nested too deep, NaN, a number or text no column holds
        return _page(rule_set_id, text, [f"rules: {exc}"]), 422
    flash(_("Draft saved."), "info")
    return redirect(url_for("admin.rule_set", rule_set_id=rule_set_id))


@bp.post("/rules/<int:rule_set_id>/schedule")
@guard(Roles(("admin",)))
@login_required
def rule_set_schedule(rule_set_id: int) -> Response | tuple[str, int]:
    actor = admin()
    text = request.form.get("schedule", "")
    try:
        rule_store().set_schedule(rule_set_id, text, actor.username)
    except RuleError as exc:
        return _page(rule_set_id, problems=exc.problems, schedule_text=text), 422
    flash(_("Schedule saved."), "info")
    return redirect(url_for("admin.rule_set", rule_set_id=rule_set_id))


@bp.post("/rules/<int:rule_set_id>/publish")
@guard(Roles(("admin",)))
@login_required
def publish(rule_set_id: int) -> Response | tuple[str, int]:
    actor = admin()
    raw = request.form.get("effective_from", "").strip()
    try:
        effective = entered(datetime.fromisoformat(raw)) if raw else None
    except ValueError:
        return _page(rule_set_id, problems=[_("effective_from: not a date and time")]), 422
    try:
        version = rule_store().publish(rule_set_id, actor.username, effective)
    except Conflict:
        flash(_("There is no draft to publish."), "error")
        return redirect(url_for("admin.rule_set", rule_set_id=rule_set_id))
    flash(_("Version %(v)s published.", v=version.version), "info")
    return redirect(url_for("admin.rule_set", rule_set_id=rule_set_id))


@bp.get("/rules/<int:rule_set_id>/backtest")
@guard(Roles(("admin",)))
@login_required
def run_backtest(rule_set_id: int) -> str | tuple[str, int]:
    admin()
    store = rule_store()
    days = request.args.get("days", "30")
    if not (days.isascii() and days.isdigit() and len(days) <= 4) or not 1 <= int(days) <= 3650:
        return _page(rule_set_id, problems=[_("days: a whole number from 1 to 3650")]), 422
    source = store.draft(rule_set_id) or store.live(rule_set_id)
    if source is None:
        return _page(rule_set_id, problems=[_("There are no rules to test yet.")]), 422
    result = backtest(workflow_engine(), fact_providers(), store.get(rule_set_id), source.rules, utcnow(),
                      int(days))
    return _page(rule_set_id, result=result, days=int(days))


@bp.post("/escalations")
@guard(Roles(("admin",)))
@login_required
def save_escalation() -> Response:
    actor = admin()
    form = request.form
    hours = form.get("reassign_after_hours", "24")
    try:
        if not (hours.isascii() and hours.isdigit() and len(hours) <= 6):
            raise ValueError("reassign_after_hours: must be a whole number of hours")
        set_policy(rule_store(), form.get("candidate_group", "").strip(), form.get("manager", "").strip(),
                   int(hours), actor.username)
        flash(_("Escalation saved."), "info")
    except ValueError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.rule_sets"))


