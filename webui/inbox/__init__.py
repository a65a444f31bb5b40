"""The approver's inbox and the task page where a decision is made."""
from flask import Blueprint

from .. import engine_errors, formatting

bp = Blueprint("inbox", __name__)
formatting.register(bp)
engine_errors.register(bp)

from . import routes, task  # noqa: E402,F401  (the views register themselves on bp)

__all__ = ["bp"]
