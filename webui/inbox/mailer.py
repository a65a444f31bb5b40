"""E-mail for notifications, configured from the environment (off unless OPSFLOW_SMTP_HOST is set)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from engine import Mailer, SmtpSettings, smtp_mailer


def mailer_from_config(config: Mapping[str, Any]) -> Mailer | None:
    """The SMTP mailer when a host is configured (app config first, then the environment), else None."""
    def get(name: str, default: str = "") -> str:
        return str(config.get(name) or os.environ.get(name, default))

    host = get("OPSFLOW_SMTP_HOST")
    if not host:
        return None
    return smtp_mailer(SmtpSettings(
        host=host, port=int(get("OPSFLOW_SMTP_PORT", "25")), sender=get("OPSFLOW_SMTP_FROM", "opsflow@localhost"),
        username=get("OPSFLOW_SMTP_USER") or None, password=get("OPSFLOW_SMTP_PASSWORD") or None,
        starttls=get("OPSFLOW_SMTP_STARTTLS", "0") in ("1", "true", "yes"), base_url=get("OPSFLOW_BASE_URL")))
