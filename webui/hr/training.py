"""Recording a planned course as finished, from the training record's page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from engine import Conflict, InvalidData, NotFound
from modules.hr import TrainingRecord, complete_training
from modules.hr.training import COMPLETION_FORM

from ..access import Records, current_actor, guard
from ..extensions import db
from ..form_fields import error_text, fields, submitted
from ..records.views import detail, find_row


def may_record() -> bool:
    """HR keeps training records; managers (for the records of their department they see) may too."""
    actor = current_actor()
    return "hr" in actor.groups or "manager" in actor.roles or actor.is_admin


def training_context(_session: Session, record: TrainingRecord) -> dict[str, Any]:
    show = record.status == "planned" and may_record()
    return {"completion": fields(COMPLETION_FORM) if show else None}


def register(bp: Blueprint, spec: Any) -> None:
    @bp.post("/hr/trainings/item/<int:record_id>/complete", endpoint="trainings_complete")
    @guard(Records(spec.resource))
    @login_required
    def complete(record_id: int) -> Response | tuple[str, int]:
        if not may_record():
            abort(403, description=_("Only HR records finished training."))
        find_row(spec, str(record_id))
        posted = submitted(COMPLETION_FORM, request.form)
        try:
            complete_training(db.session, record_id, posted)
        except NotFound:
            db.session.rollback()
            abort(404, description=_("No record %(key)s", key=record_id))
        except Conflict:
            db.session.rollback()
            flash(_("This course was already recorded as finished."), "error")
            return redirect(url_for("hr.trainings_detail", key=record_id))
        except InvalidData as exc:
            db.session.rollback()
            errors = {k: error_text(v) for k, v in exc.errors.items()}
            return detail("hr", spec, str(record_id), completion=fields(COMPLETION_FORM, posted, errors)), 422
        db.session.commit()
        flash(_("Recorded as finished."), "info")
        return redirect(url_for("hr.trainings_detail", key=record_id))
