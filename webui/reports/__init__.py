"""The managers' Reports page: stored monthly reports to download, and a report asked for now (as a job)."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import routes  # noqa: E402,F401  (registers the views on bp)
