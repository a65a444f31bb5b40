"""Start pages for the module flows, drawn from each process's start form.

The same JSON form that validates the API start renders the page, so a
flow's fields are declared once, in processes/<key>/forms/start.json.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidData

from ..access import Starts, guard
from ..extensions import actor_for, workflow_engine
from ..form_fields import fields, pick_label, submitted
from ..uploads import start_with_uploads

STARTS: list[tuple[str, str]] = []  # (endpoint, process key), for the records overview


def add_start(bp: Blueprint, path: str, process: str) -> None:
    """A start form's `from_requester` fields (the department) are not drawn: the engine takes them
    from the signed-in person's account."""
    endpoint = f"start_{process}"

    def page(values: dict | None = None, errors: dict | None = None) -> str:
        form = workflow_engine().form(process, "start")
        fixed = [f["name"] for f in (form or {}).get("fields", []) if f.get("from_requester")]
        return render_template("records/start.html", process=process,
                               title=pick_label((form or {}).get("title"), process),
                               fields=fields(form, values, errors, skip=fixed),
                               general_error=(errors or {}).get("data"))

    def view() -> str | Response | tuple[str, int]:
        if request.method == "GET":
            return page()
        form = workflow_engine().form(process, "start")
        data = submitted(form, request.form)
        try:
            started = start_with_uploads(process, form, data, actor_for(current_user), request.files)
        except InvalidData as exc:
            return page(data, exc.errors), 422
        flash(_("Started #%(id)s.", id=started.id), "success")
        return redirect(url_for("instances.show", instance_id=started.id))

    wrapped: Callable[..., object] = guard(Starts(process))(login_required(view))
    bp.add_url_rule(f"/{bp.name}/{path}", endpoint, wrapped, methods=["GET", "POST"])
    STARTS.append((f"{bp.name}.{endpoint}", process))
