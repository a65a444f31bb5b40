"""Administration: incidents (failed jobs, instances in error), automatic-approval rules, escalation,
and the scheduler's commands (`opsflow scheduler`, `opsflow rules run|backtest`)."""
from flask import Blueprint

from .. import engine_errors, formatting
from ..scheduler import init_app

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)
formatting.register(bp)
engine_errors.register(bp)
bp.record_once(lambda state: init_app(state.app))

from . import audit, calendar_days, commands, connections, groups, incidents, people, permissions, rule_sets, webhooks  # noqa: E402,F401  (views and commands register themselves on bp)

__all__ = ["bp"]
