"""The scheduler: APScheduler polls, the database decides.

Each poll arms timer-started processes (`engine.arm_timer_starts`), plans the next run of each
rule set on its crontab schedule (`rules.RuleRuns`), claims due jobs (timers, retries, rule
runs) through `engine.JobRunner` and escalates overdue tasks. It runs embedded in `python app.py`
(a background thread) or as any number of `opsflow scheduler` processes on any number of hosts
against one PostgreSQL. A poll claims at most one batch of jobs; when the batch came back full,
more are probably due (a backlog after downtime, a burst of timers), so the next poll starts at
once instead of a poll interval later.
Tests never start it: they call `Scheduler.poll` with a clock of their own.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

import modules
from engine import JobRunner, WorkflowEngine, arm_timer_starts, aware_utcnow, refresh_statistics, roll_up, utcnow
from rules import FactContext, FactProviders, RuleRuns, RuleStore
from rules.escalation import EscalationReport, escalate

log = logging.getLogger("opsflow.scheduler")
DEFAULT_POLL_SECONDS = 5.0
POLL_JOB = "opsflow-poll"


@dataclass
class PollReport:
    processes_armed: int
    jobs_done: int
    jobs_failed: int
    rule_sets_run: int
    auto_approved: int
    reminded: int
    reassigned: int
    more_due: bool = False  # the batch was full: jobs are probably still due


def register_facts(facts: FactProviders, engine: WorkflowEngine) -> FactProviders:
    """Fact providers from the installed modules: each may offer `register_facts(facts, engine)`."""
    for module in modules.ordered():
        hook = getattr(module, "register_facts", None)
        if hook is not None:
            hook(facts, engine)
    return facts


def module_chores(engine: WorkflowEngine) -> list[Callable[[], int]]:
    """Housekeeping the installed modules offer as `housekeeping(session, now) -> int`, one transaction each."""
    from sqlalchemy.orm import Session

    def chore(hook: Callable[[Session, datetime], int]) -> Callable[[], int]:
        def run() -> int:
            with Session(engine.db) as session, session.begin():
                return hook(session, engine.clock())
        return run

    return [chore(m.housekeeping) for m in modules.ordered() if hasattr(m, "housekeeping")]


def supplier_rating_provider(engine: WorkflowEngine) -> Callable[[FactContext], int | None] | None:
    """The rating of the request's supplier, if the procurement module keeps suppliers."""
    supplier_model = getattr(__import__("modules.procurement", fromlist=["Supplier"]), "Supplier", None)
    if supplier_model is None:
        return None
    from sqlalchemy import select

    def rating(ctx: FactContext) -> int | None:
        name = ctx.data.get("supplier")
        if not name:
            return None
        with engine.read() as session:
            return session.scalar(select(supplier_model.rating).where(
                (supplier_model.name == name) | (supplier_model.code == name)).limit(1))

    return rating


class Scheduler:
    """Everything one poll does, and the APScheduler that calls it."""

    def __init__(self, engine: WorkflowEngine, store: RuleStore, facts: FactProviders, *,
                 worker_id: str | None = None, poll_seconds: float = DEFAULT_POLL_SECONDS,
                 clock: Callable[[], datetime] = utcnow, batch: int = 100,
                 escalation_seconds: float = 60.0) -> None:
        self.engine, self.store, self.facts = engine, store, facts
        self.runner = JobRunner(engine)
        self.rule_runs = RuleRuns(engine, store, facts)
        self.rule_runs.register(self.runner)
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.poll_seconds, self.clock, self.batch = poll_seconds, clock, batch
        self._aps: BackgroundScheduler | BlockingScheduler | None = None
        self.escalation_seconds = escalation_seconds
        self._last_escalation: datetime | None = None
        # housekeeping run at the escalation cadence (deputies taking over, overdue reminders)
        self.chores: list[Callable[[], int]] = []
        self._idle = threading.Event()  # no poll under way
        self._idle.set()

    def poll(self) -> PollReport:
        now = self.clock()
        armed = arm_timer_starts(self.engine)
        self.rule_runs.plan(now)
        jobs = self.runner.run_due(now, self.worker_id, self.batch)
        for error in jobs.errors:
            log.warning("%s", error)
        runs = self.rule_runs.take_summaries()
        escalations = EscalationReport()
        if self._last_escalation is None or (now - self._last_escalation).total_seconds() >= \
                self.escalation_seconds:
            self._last_escalation = now
            escalations = escalate(self.engine, self.store, now)
            for chore in self.chores:
                chore()
            roll_up(self.engine.db, now)  # the monitor's daily roll-ups: the day LAG past its end is sealed
            refresh_statistics(self.engine.db)
        return PollReport(len(armed), jobs.done, jobs.failed, len(runs), sum(r.approved for r in runs),
                          escalations.reminded, escalations.reassigned, jobs.claimed >= self.batch)

    def _safe_poll(self) -> bool:
        """The poll APScheduler runs; True when it should run again at once (see `_poll_again`)."""
        self._idle.clear()
        try:
            return self.poll().more_due
        except Exception:  # one bad poll must not stop the scheduler; the next one tries again
            log.exception("scheduler poll failed")
            return False
        finally:
            self._idle.set()

    def _poll_again(self, event: JobExecutionEvent) -> None:
        """After a poll that found more due than one batch, poll now rather than a poll interval later.

        This runs once the poll has finished (APScheduler counts it as no longer running), so the
        immediate run is not skipped as a second instance of the poll.
        """
        if event.job_id == POLL_JOB and event.retval and self._aps is not None and self._aps.running:
            self._aps.modify_job(POLL_JOB, next_run_time=aware_utcnow())

    def _configure(self, aps: BackgroundScheduler | BlockingScheduler) -> None:
        aps.add_job(self._safe_poll, "interval", seconds=self.poll_seconds, id=POLL_JOB,
                    max_instances=1, coalesce=True, next_run_time=aware_utcnow())
        aps.add_listener(self._poll_again, EVENT_JOB_EXECUTED)
        self._aps = aps

    def start_background(self) -> None:
        self._configure(BackgroundScheduler(daemon=True))
        self._aps.start()
        log.info("embedded scheduler %s polling every %ss", self.worker_id, self.poll_seconds)

    def run_forever(self) -> None:
        self._configure(BlockingScheduler())
        log.info("scheduler %s polling every %ss", self.worker_id, self.poll_seconds)
        self._aps.start()

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop polling; False when a poll is still under way after `timeout` seconds.

        The process must then not wait for it (Ctrl-C would hang behind a slow or blocked poll):
        its transaction is rolled back when the process ends, as after any crash, and the jobs it
        held are taken again when their lease runs out.
        """
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        return self._idle.wait(timeout)


def init_app(app: Flask) -> None:
    """Put the rule store, the fact providers and a scheduler on the app (started only on request)."""
    engine: WorkflowEngine = app.extensions["opsflow.engine"]
    facts = register_facts(FactProviders(), engine)
    rating = supplier_rating_provider(engine)
    if rating is not None and "supplier_rating" not in facts.names():
        facts.register("supplier_rating", rating)
    from .extensions import db

    with app.app_context():
        store = RuleStore(db.engine, timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
    poll = float(app.config.get("SCHEDULER_POLL_SECONDS") or os.environ.get("OPSFLOW_SCHEDULER_POLL",
                                                                             DEFAULT_POLL_SECONDS))
    app.extensions["opsflow.rules"] = store
    app.extensions["opsflow.facts"] = facts
    scheduler = Scheduler(engine, store, facts, poll_seconds=poll)
    workplace = lambda: app.extensions.get("opsflow.workplace")  # noqa: E731  (set up by the inbox)
    scheduler.chores += [lambda: workplace().apply_absences() if workplace() else 0,
                         lambda: workplace().notify_overdue() if workplace() else 0, *module_chores(engine)]
    app.extensions["opsflow.scheduler"] = scheduler


def scheduler_of(app: Flask) -> Scheduler:
    return app.extensions["opsflow.scheduler"]


def start_embedded(app: Flask) -> Scheduler | None:
    """`python app.py` runs the scheduler in-process unless OPSFLOW_SCHEDULER=off (separate processes)."""
    if os.environ.get("OPSFLOW_SCHEDULER", "embedded") != "embedded":
        return None
    scheduler = scheduler_of(app)
    scheduler.start_background()
    return scheduler
