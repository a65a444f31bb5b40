"""The task page: a request's facts laid out for a decision, and the decision itself (or a draft of it)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import Actor, Conflict, InvalidData, ScriptError, StateTooLarge, TaskView, User, Workplace

from .. import budget_now, step_names
from ..access import TaskOf, guard
from ..business_data import facts
from ..extensions import actor_for, db, workflow_engine
from ..form_fields import fields, submitted
from . import bp, revision

DECISION_FIELD = "decision"
RAW_EXCEPTION = re.compile(r"\w*(Error|Exception)\b")  # "ZeroDivisionError: division by zero": for administrators
DRAFT_BUTTON = "_save_draft"


def _workplace() -> Workplace:
    return current_app.extensions["opsflow.workplace"]


def may_act(task: TaskView, actor: Actor) -> bool:
    """Whether to offer the form; the engine checks again when the form comes back."""
    if task.status != "open" or task.excluded_user == actor.username:
        return False
    return task.assignee == actor.username if task.assignee else task.candidate_group in actor.groups


def may_delegate(task: TaskView, actor: Actor) -> bool:
    if task.status != "open" or (task.excluded_user == actor.username and not actor.is_admin):
        return False
    return actor.is_admin or task.assignee == actor.username or (
        not task.assignee and task.candidate_group in actor.groups)


def _people() -> list[Any]:
    """Whom a task may be handed to: names only (their groups are not needed to list them)."""
    return list(db.session.execute(select(User.username, User.display_name).where(User.active.is_(True))
                                   .order_by(User.username)))


def _page(task: TaskView, actor: Actor, values: Mapping[str, Any] | None = None,
          errors: Mapping[str, str] | None = None) -> str:
    engine, place = workflow_engine(), _workplace()
    instance = engine.get(task.instance_id, actor)
    form = engine.form(instance.process, task.form, instance.version) if task.form else None
    start_form = engine.form(instance.process, "start", instance.version)
    draft = place.draft(task.id, actor) if values is None and task.status == "open" else None
    if values is None:
        values = draft if draft is not None else _as_requested(form, start_form, instance.data)
    drawn = fields(form, values, errors)
    comments, attachments = place.conversation(instance.id, actor)
    revising = bool(revision.revised_fields(form, start_form))
    changed = revision.readable(revision.last_revision(instance), start_form) \
        if task.status == "open" and not revising else []
    return render_template(
        "inbox/task.html", task=task, instance=instance,
        facts=facts(budget_now.as_of_now(instance.data) if task.status == "open" else instance.data, start_form),
        names=step_names.of_version(instance.process, instance.version), revising=revising, changed=changed,
        handover=place.handed_to(task.assignee, [task.id]).get(task.id) if task.assignee and task.status == "open"
        else None,
        decision=next((f for f in drawn if f.name == DECISION_FIELD and f.choices), None),
        fields=[f for f in drawn if not (f.name == DECISION_FIELD and f.choices)],
        earlier=[t for t in instance.tasks if t.status == "completed" and t.id != task.id],
        may_act=may_act(task, actor), general_error=(errors or {}).get("data"), has_draft=draft is not None,
        may_delegate=may_delegate(task, actor), people=_people() if may_delegate(task, actor) else [],
        comments=comments, attachments=attachments,
    )


def _as_requested(form: Mapping[str, Any] | None, start_form: Mapping[str, Any] | None,
                  data: Mapping[str, Any]) -> dict[str, Any]:
    """A form asking again for what the request says (revising it) starts from what it says now."""
    asked = {f["name"] for f in (start_form or {}).get("fields", [])}
    return {f["name"]: data[f["name"]] for f in (form or {}).get("fields", []) if f["name"] in asked & set(data)}


@bp.get("/tasks/<task_id>")
@guard(TaskOf())
@login_required
def task(task_id: str) -> str:
    actor = actor_for(current_user)
    return _page(workflow_engine().task(task_id, actor), actor)


def _already_done() -> Response:
    flash(_("This task was already completed by someone else."), "error")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<task_id>")
@guard(TaskOf())
@login_required
def complete(task_id: str) -> Response | tuple[str, int]:
    engine, actor = workflow_engine(), actor_for(current_user)
    view = engine.task(task_id, actor)
    if view.status != "open":
        return _already_done()
    forms = engine.version_forms(view)
    form = forms.get(view.form) if view.form else None
    data = submitted(form, request.form) if form else {}
    if DRAFT_BUTTON in request.form:
        _workplace().save_draft(task_id, actor, {k: v for k, v in data.items() if k != DECISION_FIELD})
        flash(_("Draft saved. You can come back to it later."), "info")
        return redirect(url_for("inbox.task", task_id=task_id))
    asked = revision.revised_fields(form, forms.get("start"))
    # a revision shows its diff: what the request held before, read only when the task revises it
    instance = engine.get(view.instance_id, actor) if asked else None
    try:
        engine.complete(task_id, actor, data)
    except InvalidData as exc:
        return _page(view, actor, data, exc.errors), 422
    except (ScriptError, StateTooLarge) as exc:  # the flow's own script or a limit refused it: the task stays open
        shown = actor.is_admin or not RAW_EXCEPTION.match(exc.message)  # a limit is theirs to know; a script's bug not
        reason = _("This task could not be completed: %(reason)s", reason=exc.message) if shown else \
            _("This task could not be completed: a step that follows it failed. It stays open for you; please "
              "tell an administrator.")
        return _page(view, actor, data, {"data": reason}), 422
    except Conflict:
        return _already_done()
    if instance is not None:  # compared with what the engine stored, typed as the form declares
        revision.keep(engine, instance, actor, task_id,
                      revision.changes(asked, instance.data, engine.get(instance.id, actor).data))
    _workplace().discard_draft(task_id, actor)
    flash(_("Resubmitted for approval: %(title)s", title=view.title) if asked
          else _completed_message(data.get(DECISION_FIELD), view.title), "success")
    following = engine.open_tasks(actor, limit=1)
    return redirect(url_for("inbox.task", task_id=following[0].id) if following else url_for("inbox.index"))


def _completed_message(decision: str | None, title: str) -> str:
    if decision == "approve":
        return _("Approved: %(title)s", title=title)
    if decision == "reject":
        return _("Rejected: %(title)s", title=title)
    if decision == "return":
        return _("Returned to the requester: %(title)s", title=title)
    return _("Task completed: %(title)s", title=title)
