"""One process instance: its data, outcome, history and the operator's actions."""
from flask import Blueprint

from .. import engine_errors, formatting

bp = Blueprint("instances", __name__)
formatting.register(bp)
engine_errors.register(bp)

from . import routes  # noqa: E402,F401  (the views register themselves on bp)

__all__ = ["bp"]
