"""One of two scheduler processes for test_scheduler_pair: `python scheduler_pair_worker.py URL NAME NOW READY GO`.

It polls as `opsflow scheduler` does (arm timer starts, plan rule runs, run due jobs, escalate) on a
clock fixed at NOW, once both processes are ready (READY written, GO awaited), until polls find
nothing to do. Each rule run it starts is counted in `job_runs`, in a transaction of its own.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from engine import JobTicket, ServiceRegistry, WorkflowEngine, make_engine
from modules import register_all
from rules import RULE_RUN_JOB, FactProviders, RuleStore
from rules.scheduled import RUN_LEASE
from webui.scheduler import Scheduler


def main(url: str, name: str, now_iso: str, ready: str, go: str) -> None:
    now = datetime.fromisoformat(now_iso)
    db = make_engine(url)
    engine = WorkflowEngine(db, register_all(ServiceRegistry()), clock=lambda: now)
    facts = FactProviders()
    facts.register("supplier_rating", lambda ctx: 5)
    scheduler = Scheduler(engine, RuleStore(db, lambda: now), facts, worker_id=name, clock=lambda: now)
    run = scheduler.rule_runs.run

    def counted(ticket: JobTicket, at: datetime) -> dict[str, Any]:
        with db.begin() as conn:
            conn.execute(text("INSERT INTO job_runs (job_id, worker) VALUES (:j, :w)"), {"j": ticket.id, "w": name})
        return run(ticket, at)

    scheduler.runner.register_standalone(RULE_RUN_JOB, counted, lease=RUN_LEASE)
    Path(ready).write_text(name)
    while not Path(go).exists():
        time.sleep(0.01)
    idle = 0
    while idle < 3:
        report = scheduler.poll()
        idle = idle + 1 if report.jobs_done == report.processes_armed == 0 else 0


if __name__ == "__main__":
    main(*sys.argv[1:])
