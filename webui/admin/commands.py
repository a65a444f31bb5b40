"""`opsflow scheduler` and `opsflow rules list|schedule|run|backtest`."""
from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from engine import NotFound, utcnow
from rules import RuleError, RuleSet, backtest, run_rule_set

from ..extensions import workflow_engine
from . import bp
from .access import fact_providers, rule_store, scheduler


@bp.cli.command("scheduler")
@click.option("--poll", type=float, default=None, help="seconds between polls (default 5, OPSFLOW_SCHEDULER_POLL)")
@click.option("--once", is_flag=True, help="poll once and exit (for cron or a health check)")
def scheduler_command(poll: float | None, once: bool) -> None:
    """Run timers, retries, rule runs and escalations; start as many as you like against one PostgreSQL."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # SpiffWorkflow logs every task state change at INFO, and APScheduler every poll: eight lines a
    # fired timer and two a second, which cost a scheduler a good share of its time and bury its own log
    for noisy in ("spiff", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with current_app.app_context():
        sched = scheduler()
        if poll is not None:
            sched.poll_seconds = poll
        if once:
            click.echo(str(sched.poll()))
            return
        sched.run_forever()


rules_group = AppGroup("rules", help="Automatic-approval rules: list, schedule, run them now, backtest a draft.")


@rules_group.command("list")
def rules_list() -> None:
    """Each rule set: id, name, process task, schedule and next run (UTC)."""
    store = rule_store()
    next_runs = store.next_runs()
    for rs in store.rule_sets():
        click.echo(f"{rs.id}\t{rs.name}\t{rs.process_key}/{rs.task_name}\t{rs.schedule}\t"
                   f"next run {next_runs[rs.id]:%Y-%m-%d %H:%M} UTC")


@rules_group.command("schedule")
@click.argument("rule_set_id", type=int)
@click.argument("schedule")
def rules_schedule(rule_set_id: int, schedule: str) -> None:
    """Set when a rule set runs: a crontab SCHEDULE such as "*/5 * * * *" (in OPSFLOW_TIMEZONE)."""
    store = rule_store()
    try:
        rule_set = store.set_schedule(rule_set_id, schedule, "cli")
    except (RuleError, NotFound) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{rule_set.name}: {rule_set.schedule} ({store.timezone}), "
               f"next run {store.next_runs()[rule_set_id]:%Y-%m-%d %H:%M} UTC")


@rules_group.command("run")
def rules_run() -> None:
    """Run every rule set now, whatever its schedule, with a progress bar."""
    store, now = rule_store(), utcnow()
    for rule_set in store.rule_sets():
        with click.progressbar(length=1, label=rule_set.name) as bar:
            def progress(done: int, total: int, bar: click.progressbar = bar) -> None:
                bar.length = total
                bar.update(1)

            summary = run_rule_set(workflow_engine(), store, fact_providers(), rule_set.id, now, progress)
        click.echo(f"{rule_set.name} v{summary.version}: checked {summary.checked}, "
                   f"approved {summary.approved}, left to people {summary.left}")


@rules_group.command("backtest")
@click.argument("rule_set_id", type=int)
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True)
def rules_backtest(rule_set_id: int, days: int) -> None:
    """Apply the draft (else the live version) to the last DAYS of completed tasks."""
    store = rule_store()
    rule_set: RuleSet = store.get(rule_set_id)
    source = store.draft(rule_set_id) or store.live(rule_set_id)
    if source is None:
        click.echo("error: this rule set has no rules yet", err=True)
        sys.exit(1)
    with click.progressbar(length=1, label="backtest") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        result = backtest(workflow_engine(), fact_providers(), rule_set, source.rules, utcnow(), days,
                          progress=progress)
    click.echo(f"v{source.version} ({source.status}) over {days} days: {result.total} decisions, "
               f"{result.would_approve} would be automatic ({result.amount_would_approve:,.2f}), "
               f"{result.changed} would change ({result.amount_changed:,.2f})")
    for change in result.changes:
        click.echo(f"  instance {change.instance_id}: {change.actual} -> {change.draft} "
                   f"amount {change.amount} by rule {change.rule!r}")


bp.cli.add_command(rules_group)
