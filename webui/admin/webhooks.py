"""Webhooks: the subscriptions other systems hear from, and the log of every delivery; changes audited."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import InvalidData, NotFound, integration

from ..access import Roles, guard
from ..extensions import db, workflow_engine
from ..xlsx import xlsx_response
from . import bp
from .access import admin

webhooks, subscriptions, Subscription = integration.webhooks, integration.subscriptions, integration.WebhookSubscription
PAGE = 50
EXPORT_CAP = 100_000
STATUSES = ("pending", "sent", "failed")


def _log_filters() -> dict[str, Any]:
    subscription = request.args.get("subscription", type=int)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400, description=_("status: one of %(values)s", values=", ".join(STATUSES)))
    return {k: v for k, v in (("subscription", subscription), ("status", status)) if v is not None}


def _page(**extra: Any) -> str:
    offset = request.args.get("offset", 0, type=int) or 0
    if offset < 0:
        abort(400, description=_("offset: must be 0 or more"))
    filters = _log_filters()
    subs = list(db.session.scalars(select(Subscription).order_by(Subscription.id)))
    log = webhooks.deliveries(db.session, filters.get("subscription"), filters.get("status"), PAGE, offset)
    return render_template("admin/webhooks.html", subscriptions=subs, counts=webhooks.delivery_counts(db.session),
                           log=log, filters=filters, size=PAGE, events=webhooks.EVENT_NAMES,
                           names={s.id: s.name for s in subs}, statuses=STATUSES, **extra)


@bp.get("/webhooks")
@guard(Roles(("admin",)))
@login_required
def webhook_list() -> str:
    admin()
    return _page()


@bp.post("/webhooks")
@guard(Roles(("admin",)))
@login_required
def add_webhook() -> Response | tuple[str, int] | str:
    actor = admin()
    try:
        sub = subscriptions.add(db.session, name=request.form.get("name", ""), url=request.form.get("url", ""),
                                events=request.form.getlist("events"), actor=actor.username,
                                now=workflow_engine().clock())
    except InvalidData as exc:
        db.session.rollback()
        return _page(errors=exc.errors, form=request.form), 422
    secret, name = sub.secret, sub.name
    db.session.commit()
    return render_template("admin/webhook_created.html", name=name, secret=secret, header=webhooks.SIGNATURE_HEADER,
                           timestamp_header=webhooks.TIMESTAMP_HEADER)


@bp.post("/webhooks/<int:subscription_id>/<any(enable, disable):change>")
@guard(Roles(("admin",)))
@login_required
def toggle_webhook(subscription_id: int, change: str) -> Response:
    actor = admin()
    try:
        sub = subscriptions.set_active(db.session, subscription_id, change == "enable", actor=actor.username,
                                       now=workflow_engine().clock())
    except NotFound:
        abort(404)
    name = sub.name
    db.session.commit()
    flash(_("%(name)s gets deliveries again.", name=name) if change == "enable"
          else _("%(name)s gets no new deliveries.", name=name), "info")
    return redirect(url_for("admin.webhook_list"))


@bp.get("/webhooks/deliveries.xlsx")
@guard(Roles(("admin",)))
@login_required
def export_deliveries() -> Response:
    admin()
    filters = _log_filters()
    names = dict(db.session.execute(select(Subscription.id, Subscription.name)).all())
    found = webhooks.deliveries(db.session, filters.get("subscription"), filters.get("status"), EXPORT_CAP)
    rows = ((d.id, names.get(d.subscription_id, ""), d.event or "", d.instance_id, d.status, d.attempts,
             d.response_status, d.last_error or "", d.created_at, d.sent_at, d.key) for d in found.rows)
    return xlsx_response("webhook-deliveries.xlsx", _("Webhook deliveries"),
                         ["#", _("Subscription"), _("Event"), _("Request"), _("Status"), _("Attempts"),
                          _("Answer"), _("Error"), _("Recorded"), _("Sent"), _("Delivery")], rows)
