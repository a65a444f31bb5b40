"""The managers' monitor: flow timing, bottlenecks, SLA breaches and workload, as charts and Excel."""
from flask import Blueprint

bp = Blueprint("monitor", __name__, url_prefix="/monitor")

from . import automation, bottlenecks, routes  # noqa: E402,F401  (registers the views on bp)
