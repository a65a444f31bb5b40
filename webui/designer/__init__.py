"""The process designer: draw a flow in the browser, check it against the engine, deploy a new version."""
from flask import Blueprint

from .. import engine_errors, formatting

bp = Blueprint("designer", __name__, url_prefix="/designer")
formatting.register(bp)
engine_errors.register(bp)

from . import history, routes  # noqa: E402,F401  (registers the views on bp)

__all__ = ["bp"]
