"""A step that failed (a service call, a script) is retried by the job system with backoff.

When a step leaves an instance in error, `schedule` adds one `retry` job in the same
transaction. The job re-runs the failed step; if it fails again the job fails too, so the
runner backs off exponentially and, after `ATTEMPTS`, turns it into an incident an operator
retries or skips. An operator's own retry (the instance page) makes the job moot: it finds the
instance no longer in error and does nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import persistence
from ..models import ProcessInstance
from ..persistence import InstanceRow
from ..workflow import OpsFlowWorkflow
from .runner import Job

RETRY_JOB = "retry"
ATTEMPTS = 3
FIRST_DELAY = timedelta(seconds=30)


class StillFailing(RuntimeError):
    """The retried step failed again; the job runner backs off or opens an incident."""


def schedule(session: Session, inst: ProcessInstance, now: datetime) -> None:
    """In the step's transaction: an instance now in error gets a retry job unless one is pending."""
    if inst.status != "error":
        return
    waiting = session.scalar(select(Job.id).where(Job.instance_id == inst.id, Job.kind == RETRY_JOB,
                                                  Job.status.in_(("pending", "running"))).limit(1))
    if waiting is None:
        session.add(Job(kind=RETRY_JOB, due_at=now + FIRST_DELAY, instance_id=inst.id, created_at=now,
                        payload={"element": inst.error_task}, max_attempts=ATTEMPTS, attempts=0, status="pending"))


def schedule_after_step(session: Session, inst: InstanceRow, wf: OpsFlowWorkflow, now: datetime) -> None:
    """The after-step hook: `schedule`."""
    schedule(session, inst, now)


def run(engine: Any, session: Session, job: Job) -> None:
    """The `retry` job kind."""
    retry(engine, session, job.instance_id)


def retry(engine: Any, session: Session, instance_id: int) -> None:
    row = persistence.load_instance(session, instance_id)
    if row is None or row.status != "error":
        return
    with engine._instance(session, instance_id, row) as (inst, wf):
        for task in wf.get_tasks(state=TaskState.ERROR):
            task._set_state(TaskState.READY)
        engine._log(session, inst, "instance_retried", "system", task_name=inst.error_task)
        engine._advance(session, inst, wf, "system")
    if inst.status == "error":
        raise StillFailing(inst.error_message or "the step failed again")
