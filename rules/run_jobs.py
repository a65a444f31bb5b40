"""A rule set's runs as rows in the jobs table: one planned at its schedule's next fire time.

Each run is a `rule_run` job whose `unique_key` names the rule set and the fire time, so
two schedulers planning the same run insert one row. The rule store plans the first run
when a rule set is created and moves it when the schedule changes; the scheduler plans
the next one after each run (`rules.scheduled`). Runs older than `KEEP` are deleted,
so a rule set running every minute does not grow the table without end.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine import Job, add_unique_job

from . import cron
from .models import RuleSet

RULE_RUN_JOB = "rule_run"
ACTIVE = ("pending", "running")
KEEP = timedelta(days=7)


def _prefix(rule_set_id: int) -> str:
    return f"{RULE_RUN_JOB}:{rule_set_id}:"


def plan(session: Session, rule_set: RuleSet, now: datetime, timezone: str) -> bool:
    """Plan the rule set's run at its first fire time from `now`; False if that run is already a job."""
    due = cron.next_run(rule_set.schedule, now, timezone)
    return add_unique_job(session, RULE_RUN_JOB, due, f"{_prefix(rule_set.id)}{due.isoformat()}",
                          {"rule_set": rule_set.id}, now=now)


def unplan(session: Session, rule_set_id: int, now: datetime) -> None:
    """Cancel the rule set's pending run (not one under way); its key is freed for the new schedule."""
    session.execute(update(Job).where(Job.kind == RULE_RUN_JOB, Job.status == "pending",
                                      Job.unique_key.startswith(_prefix(rule_set_id)))
                    .values(status="cancelled", finished_at=now, unique_key=None))


def planned(session: Session) -> dict[int, Job]:
    """The pending or running run of each rule set that has one."""
    jobs = session.scalars(select(Job).where(Job.kind == RULE_RUN_JOB, Job.status.in_(ACTIVE))
                           .order_by(Job.due_at.desc()))
    return {job.payload["rule_set"]: job for job in jobs}


def last_run(session: Session, rule_set_id: int) -> Job | None:
    return session.scalar(select(Job).where(Job.kind == RULE_RUN_JOB, Job.status.in_(("done", "failed")),
                                            Job.unique_key.startswith(_prefix(rule_set_id)))
                          .order_by(Job.due_at.desc()).limit(1))


def forget_old(session: Session, now: datetime) -> None:
    session.execute(delete(Job).where(Job.kind == RULE_RUN_JOB, Job.status.in_(("done", "cancelled")),
                                      Job.due_at < now - KEEP))
