"""Scheduled rule runs: each run of a rule set is a job, claimed like a timer by any scheduler.

Each poll the scheduler plans, for every rule set without one, the run at its schedule's
next fire time (`RuleRuns.plan`, idempotent across schedulers), then claims due jobs. A
rule run completes task after task, each in its own transaction, so it is a standalone
job: its claim commits first and "done" is written after the run. A scheduler killed
mid-run leaves the job to be taken again when the lease runs out; the second run finds
the tasks the first one decided already completed, and a person's decision made in
between stands (completion is optimistic), so no task is decided twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine import JobRunner, JobTicket, WorkflowEngine

from . import run_jobs
from .auto_approval import RunSummary, run_rule_set
from .facts import FactProviders
from .store import RuleStore

RUN_LEASE = timedelta(minutes=10)


class RuleRuns:
    """Plans the runs of every rule set and runs them as jobs; `summaries` collects what each run did."""

    def __init__(self, engine: WorkflowEngine, store: RuleStore, facts: FactProviders) -> None:
        self.engine, self.store, self.facts = engine, store, facts
        self.summaries: list[RunSummary] = []

    def register(self, runner: JobRunner) -> None:
        runner.register_standalone(run_jobs.RULE_RUN_JOB, self.run, lease=RUN_LEASE)

    def plan(self, now: datetime) -> int:
        """Give each rule set with no run planned a job at its next fire time; how many were added."""
        rule_sets = self.store.rule_sets()
        with self.engine.read() as s:  # most polls find every run planned and need not write
            waiting = [rs for rs in rule_sets if rs.id not in run_jobs.planned(s)]
        if not waiting:
            return 0
        with self.store.session() as s:
            added = sum(run_jobs.plan(s, rs, now, self.store.timezone) for rs in waiting)
            run_jobs.forget_old(s, now)
        return added

    def run(self, ticket: JobTicket, now: datetime) -> dict[str, Any]:
        summary = run_rule_set(self.engine, self.store, self.facts, ticket.payload["rule_set"], now)
        self.summaries.append(summary)
        return {"version": summary.version, "checked": summary.checked, "approved": summary.approved,
                "left": summary.left}

    def take_summaries(self) -> list[RunSummary]:
        taken, self.summaries = self.summaries, []
        return taken


def run_due(engine: WorkflowEngine, store: RuleStore, facts: FactProviders, now: datetime,
            worker_id: str = "rules") -> list[RunSummary]:
    """Plan and run the rule runs due at `now`, as one scheduler poll does; what each run did."""
    runs = RuleRuns(engine, store, facts)
    runner = JobRunner(engine)
    runs.register(runner)
    runs.plan(now)
    runner.run_due(now, worker_id, kinds=(run_jobs.RULE_RUN_JOB,))
    return runs.summaries
