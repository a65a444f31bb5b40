"""The suppliers a purchase request may name, searched as the requester types.

Whoever may start a purchase request may look up the active suppliers by code or name, and sees only
what picking one needs (code, name, category, rating), never contacts or bank accounts. The answer is
paged and says when there is more. The request's supplier stays a free text field, as its start form
declares: a supplier not yet in the master can still be asked for.
"""
from __future__ import annotations

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response

from modules.procurement import Supplier

from ..access import Starts, guard
from ..extensions import db
from . import bp

PAGE = 10
MAX_QUERY = 100


@bp.get("/requests/suppliers.json")
@guard(Starts("purchase_approval"))
@login_required
def suppliers() -> Response:
    text = (request.args.get("q") or "").strip()
    if len(text) > MAX_QUERY:
        abort(400, description=_("q: at most %(count)s characters", count=MAX_QUERY))
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        abort(400, description=_("page: must be 1 or more"))
    q = select(Supplier).where(Supplier.status == "active")
    if text:
        pattern = f"%{text.lower()}%"
        q = q.where(or_(func.lower(Supplier.code).like(pattern), func.lower(Supplier.name).like(pattern)))
    rows = list(db.session.scalars(q.order_by(Supplier.rating.desc(), Supplier.code)
                                   .limit(PAGE + 1).offset((page - 1) * PAGE)))
    return jsonify({"suppliers": [{"code": s.code, "name": s.name, "category": s.category, "rating": s.rating}
                                  for s in rows[:PAGE]],
                    "page": page, "more": len(rows) > PAGE})
