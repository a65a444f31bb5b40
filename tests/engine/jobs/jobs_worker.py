"""A scheduler process for the multi-process job tests: `python jobs_worker.py URL WORKER MODE [MARKER]`.

MODE `count` runs due `count` jobs until none is left, each inserting one row in `job_runs` in the
job's own transaction; MODE `hang` claims one `hang` job, writes MARKER and then blocks mid-job
until it is killed.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import text

from engine import JobRunner, WorkflowEngine, make_engine, utcnow


def main(url: str, worker: str, mode: str, marker: str | None = None) -> None:
    runner = JobRunner(WorkflowEngine(make_engine(url)))

    def count(session, job) -> None:  # noqa: ANN001
        session.execute(text("INSERT INTO job_runs (job_id, worker) VALUES (:j, :w)"), {"j": job.id, "w": worker})

    def hang(session, job) -> None:  # noqa: ANN001
        count(session, job)
        session.flush()
        Path(marker).write_text(str(job.id))
        while True:
            time.sleep(0.05)

    runner.register("count", count)
    runner.register("hang", hang)
    idle = 0
    while idle < 3:
        report = runner.run_due(utcnow(), worker, limit=25, kinds=(mode,))
        idle = idle + 1 if report.claimed == 0 else 0


if __name__ == "__main__":
    main(*sys.argv[1:])
