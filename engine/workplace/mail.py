"""E-mail copies of notifications through SMTP, off unless a host is configured.

Sent after the transaction commits (never from inside it, so a slow mail
server cannot hold a database lock); a failure is logged, not raised: the
in-app notification is already safe.
"""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from .notifications import Outgoing

log = logging.getLogger(__name__)

SUBJECTS = {
    "group_task": ("New task in your group", "您的组有新任务"),
    "task_assigned": ("A task was handed to you", "有任务转交给您"),
    "decision": ("Decision on your request", "您的申请有了决定"),
    "mention": ("You were mentioned", "有人提到了您"),
    "overdue": ("Task overdue", "任务已逾期"),
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "opsflow@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    base_url: str = ""
    timeout: float = 10.0


def message(settings: SmtpSettings, item: Outgoing) -> EmailMessage:
    english, chinese = SUBJECTS.get(item.kind, ("Notification", "通知"))
    title = item.detail.get("title") or ""
    msg = EmailMessage()
    msg["From"], msg["To"] = settings.sender, item.email
    msg["Subject"] = f"[OpsFlow] {english} / {chinese}: {title}".rstrip(": ")
    link = ""
    if item.task_id and item.kind != "decision":
        link = f"{settings.base_url}/tasks/{item.task_id}"
    elif item.instance_id:
        link = f"{settings.base_url}/instances/{item.instance_id}"
    lines = [f"{english} / {chinese}", title]
    for key in ("by", "outcome", "reason", "comment", "excerpt"):
        if item.detail.get(key):
            lines.append(f"{key}: {item.detail[key]}")
    lines.append(link)
    msg.set_content("\n".join(line for line in lines if line))
    return msg


def smtp_mailer(settings: SmtpSettings) -> Callable[[list[Outgoing]], None]:
    """A mailer for `notifications.subscribe`: one SMTP connection per committed batch."""
    def send(batch: list[Outgoing]) -> None:
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
                if settings.starttls:
                    smtp.starttls()
                if settings.username:
                    smtp.login(settings.username, settings.password or "")
                for item in batch:
                    smtp.send_message(message(settings, item))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("could not send %d notification e-mail(s): %s", len(batch), exc)
    return send
