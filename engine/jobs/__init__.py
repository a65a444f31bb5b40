"""The job system: timers, retries and scheduled work as rows of the jobs table, run by `JobRunner`.

Importing the package (`engine/__init__.py` does) plugs it into the kernel: the runner learns the
timer and retry kinds, and after every step the kernel's hooks schedule the instance's timer and
retry jobs in the step's transaction. The kernel imports nothing of it.
"""
from __future__ import annotations

from .. import hooks
from . import bulk_start, retries, timers
from .rollups import PastRows as PastRowsRollup
from .rollups import rebuild as rebuild_rollups
from .rollups import roll_up
from .runner import (
                     Job,
                     JobRunner,
                     JobTicket,
                     RunReport,
                     add_job,
                     add_unique_job,
                     register_kind,
                     register_standalone_kind,
)
from .timer_starts import arm as arm_timer_starts

register_kind(timers.TIMER_JOB, timers.run)
register_kind(retries.RETRY_JOB, retries.run)
register_standalone_kind(bulk_start.BULK_START_JOB, bulk_start.run, lease=bulk_start.LEASE)
hooks.after_step(timers.schedule_after_step)
hooks.after_step(retries.schedule_after_step)
hooks.timer_waker(timers.wake_due)

__all__ = ["Job", "JobRunner", "JobTicket", "PastRowsRollup", "RunReport", "add_job", "add_unique_job",
           "arm_timer_starts", "bulk_start", "rebuild_rollups", "register_kind", "register_standalone_kind", "roll_up"]
