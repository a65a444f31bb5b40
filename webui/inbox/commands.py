"""Workplace chores for a scheduler or cron: `opsflow inbox apply-absences`, `opsflow inbox notify-overdue`."""
from __future__ import annotations

import click
from flask import current_app

from . import bp

bp.cli.short_help = "Workplace chores: absences and overdue reminders."


@bp.cli.command("apply-absences")
def apply_absences() -> None:
    """Move open tasks of everyone away today to their deputies (run each morning)."""
    moved = current_app.extensions["opsflow.workplace"].apply_absences()
    click.echo(f"{moved} task(s) handed to deputies")


@bp.cli.command("notify-overdue")
def notify_overdue() -> None:
    """Remind people once about each task past its due time."""
    sent = current_app.extensions["opsflow.workplace"].notify_overdue()
    click.echo(f"{sent} overdue reminder(s) sent")
