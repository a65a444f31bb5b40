"""The one error a backup or a restore raises: its message says what is wrong and what to do."""
from __future__ import annotations

from ..errors import OpsFlowError


class BackupError(OpsFlowError):
    """Refused or failed before anything was changed (a restore leaves the installation as it was)."""

    status = 400
