"""Records: the overview of every module's lists, and the machinery module blueprints share."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from ..access import SignedIn, current_actor, guard, policy
from ..extensions import db
from . import labels
from .catalog import (
    CATALOG,
    Access,
    Column,
    Editor,
    Filter,
    ListSpec,
    Related,
    RelatedList,
    distinct_values,
    readable,
)
from .routes import add_list
from .start import STARTS, add_start

bp = Blueprint("records", __name__)
bp.add_app_template_global(labels.module_title, "module_title")
bp.add_app_template_global(labels.record_label, "record_label")


@bp.get("/records")
@guard(SignedIn("the lists the reader may read, each counted within their scope"))
@login_required
def index() -> str:
    """Only the lists the reader may read, each counted over the rows they may see, and the flows they may start."""
    catalog: dict[str, list[ListSpec]] = {}
    counts: dict[tuple[str, str], int] = {}
    for module, specs in CATALOG.items():
        for spec in specs:
            where = readable(spec)
            if where is None:
                continue
            catalog.setdefault(module, []).append(spec)
            counts[(module, spec.name)] = db.session.scalar(select(func.count()).select_from(spec.model)
                                                            .where(*where)) or 0
    actor = current_actor()
    starts = [(endpoint, key) for endpoint, key in STARTS if policy().may_start(db.session, actor, key)]
    return render_template("records/index.html", catalog=catalog, counts=counts, starts=starts)


__all__ = ["CATALOG", "Access", "Column", "Editor", "Filter", "ListSpec", "Related", "RelatedList", "add_list",
           "add_start", "bp", "distinct_values"]
