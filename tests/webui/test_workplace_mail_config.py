"""E-mail is off unless OPSFLOW_SMTP_HOST is configured."""
from __future__ import annotations

from webui.inbox.mailer import mailer_from_config


def test_mail_is_off_by_default_and_on_with_a_host(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("OPSFLOW_SMTP_HOST", raising=False)
    assert mailer_from_config({}) is None
    assert callable(mailer_from_config({"OPSFLOW_SMTP_HOST": "127.0.0.1", "OPSFLOW_SMTP_PORT": "2525"}))
