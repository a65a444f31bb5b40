"""Purchase requests from the requester's side: start one, follow one's progress."""
from flask import Blueprint

from .. import engine_errors, formatting

bp = Blueprint("requests", __name__)
formatting.register(bp)
engine_errors.register(bp)

from . import bulk, routes, suppliers  # noqa: E402,F401  (the views register themselves on bp)
from .flows import is_start_page, start_flows  # noqa: E402

bp.add_app_template_global(start_flows, "start_flows")
bp.add_app_template_global(is_start_page, "is_start_page")

__all__ = ["bp"]
