"""The signed-in person's own account: password, sessions ("sign out everywhere") and API tokens."""
from flask import Blueprint

from .. import engine_errors, formatting

bp = Blueprint("account", __name__, url_prefix="/account")
formatting.register(bp)
engine_errors.register(bp)

from . import routes, tokens  # noqa: E402,F401  (views register themselves on bp)

__all__ = ["bp"]
