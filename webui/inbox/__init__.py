"""The approver's workplace: the inbox, the task page, delegation, absences and notifications."""
import os
import tempfile
from pathlib import Path

from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState

from engine import Workplace

from .. import engine_errors, formatting
from . import badges, conversation
from .mailer import mailer_from_config

bp = Blueprint("inbox", __name__)
formatting.register(bp)
engine_errors.register(bp)
badges.register(bp)
conversation.register(bp)


def _default_attachment_root(app: Flask) -> Path:
    """Beside the SQLite file (instance/attachments by default); a throw-away folder under test."""
    if os.environ.get("OPSFLOW_ATTACHMENTS_DIR"):
        return Path(os.environ["OPSFLOW_ATTACHMENTS_DIR"])
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url.removeprefix("sqlite:///")).resolve().parent / "attachments"
    if app.config.get("TESTING"):
        return Path(tempfile.mkdtemp(prefix="opsflow-attachments-"))
    return Path(app.instance_path) / "attachments"


@bp.record_once
def _bind_workplace(state: BlueprintSetupState) -> None:
    """Build the Workplace with the engine, so notifications are written from the very first event."""
    app = state.app
    root = Path(app.config.get("OPSFLOW_ATTACHMENTS_DIR") or _default_attachment_root(app))
    app.extensions["opsflow.workplace"] = Workplace(
        app.extensions["opsflow.engine"], root, mailer=mailer_from_config(app.config),
        max_upload=int(app.config.get("OPSFLOW_MAX_UPLOAD", 10 * 1024 * 1024)))


from . import absence, collaboration, commands, delegate, notifications, routes, task  # noqa: E402,F401

__all__ = ["bp"]
