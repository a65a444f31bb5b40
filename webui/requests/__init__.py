"""Purchase requests from the requester's side: start one, follow one's progress."""
from flask import Blueprint

from .. import engine_errors, formatting

bp = Blueprint("requests", __name__)
formatting.register(bp)
engine_errors.register(bp)

from . import routes  # noqa: E402,F401  (the views register themselves on bp)

__all__ = ["bp"]
