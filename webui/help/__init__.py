"""The user manual, one per role, in the reader's language, from the help link on every page."""
from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/help")

from . import routes  # noqa: E402,F401  (views register themselves on bp)

__all__ = ["bp"]
