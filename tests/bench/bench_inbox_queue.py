"""inbox_one_queue: one group's queue of 100,000 (or 1,000,000) open tasks, a page of 50 by due date,
right after the scheduler's sampled statistics (`refresh_statistics`, `PRAGMA analysis_limit`).

Those statistics once made SQLite read every open task through an index on status and sort them all
(a page in 450–670 ms); the inbox now names the queue index (`in_queue_order`). The baseline is the same
page of a queue of 1,000: the figure must not grow with the queue. Each task's instance carries 2 KB of
state, as real ones do, so a plan that reads rows it does not return shows.

`python -m tests.bench.bench_inbox_queue [--pg URL] [--open N]` runs it alone (1M: `--open 1000000`).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine import Actor, HumanTask, ProcessInstance, ServiceRegistry, WorkflowEngine, refresh_statistics
from webui.inbox import queries
from webui.inbox.filters import Filters

from .bench_inbox import BATCH, _prepare
from .timing import p95, progress, timed

T0 = datetime(2026, 1, 1)
STATE = '{"note": "' + "x" * 2000 + '"}'
APPROVER = Actor("approver", frozenset({"shared-service", "requesters"}))


def _fill(db: Any, start: int, stop: int) -> None:
    for base in range(start, stop, BATCH):
        ids = range(base, min(stop, base + BATCH))
        with db.begin() as conn:
            conn.execute(insert(ProcessInstance), [{
                "id": i + 1, "definition_id": 1, "process_key": "bench", "status": "waiting", "state": STATE,
                "summary": {}, "started_by": "someone", "created_at": T0, "updated_at": T0, "lock_version": 1}
                for i in ids])
            conn.execute(insert(HumanTask), [{
                "id": f"{i:036d}", "instance_id": i + 1, "process_key": "bench", "task_name": "Approve",
                "title": f"task {i}", "candidate_group": "shared-service", "status": "open",
                "created_at": T0 + timedelta(seconds=i),
                "due_at": None if i % 3 == 0 else T0 + timedelta(hours=i % 500)}
                for i in ids])
        progress("open tasks", ids[-1] + 1, stop)
    print(file=sys.stderr)


def _measure(db: Any) -> dict[str, float]:
    refresh_statistics(db)  # what the scheduler runs
    eng = WorkflowEngine(db, ServiceRegistry())
    api = p95(timed(lambda: eng.open_tasks(APPROVER, limit=51), 100))
    with Session(db) as session:
        page = p95(timed(lambda: queries.page(session, APPROVER, "group", 2, 10_000, Filters()), 100))
    return {"api": api, "page": page}


def inbox_one_queue(url: str, open_tasks: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/queue.db" if url == "sqlite" else url
        db = _prepare(url)
        _fill(db, 0, 1_000)
        small = _measure(db)
        _fill(db, 1_000, open_tasks)
        big = _measure(db)
        db.dispose()
    worst = max(big["api"] / small["api"], big["page"] / small["page"])
    return {"metric": f"p95 ms of a page, one group's queue of 1k → {open_tasks // 1000}k open tasks (API; inbox page)",
            "opsflow": f"{small['api']:.2f} → {big['api']:.2f}; {small['page']:.2f} → {big['page']:.2f} ms",
            "baseline": "the 1k figures", "ratio": round(worst, 2), "target": "<= 2 and < 20 ms",
            "met": worst <= 2 and max(big.values()) < 20}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_inbox_queue")
    parser.add_argument("--pg", help="PostgreSQL URL (its tables are dropped) instead of a new SQLite file")
    parser.add_argument("--open", type=int, default=100_000, help="open tasks in the queue")
    args = parser.parse_args()
    print(json.dumps(inbox_one_queue(args.pg or "sqlite", args.open), indent=2))


if __name__ == "__main__":
    main()
