"""Records: the overview of every module's lists, and the machinery module blueprints share."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from ..extensions import db
from . import labels
from .catalog import CATALOG, Column, Filter, ListSpec, Related, RelatedList, add_list, distinct_values
from .start import STARTS, add_start

bp = Blueprint("records", __name__)
bp.add_app_template_global(labels.module_title, "module_title")
bp.add_app_template_global(labels.record_label, "record_label")


@bp.get("/records")
@login_required
def index() -> str:
    counts = {(module, spec.name): db.session.scalar(select(func.count()).select_from(spec.model)) or 0
              for module, specs in CATALOG.items() for spec in specs}
    return render_template("records/index.html", catalog=CATALOG, counts=counts, starts=STARTS)


__all__ = ["CATALOG", "Column", "Filter", "ListSpec", "Related", "RelatedList", "add_list", "add_start", "bp",
           "distinct_values"]
