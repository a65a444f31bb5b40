"""history_dashboard: `opsflow seed-history` to a million task rows, then the monitor's figures over them.

The same writer the demo set-up uses fills a SQLite file (rows/s of the seeding reported), and each
aggregate the monitor page runs is timed over the whole year of history: the page must stay within
half a second per aggregate however much history there is.
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import HumanTask, ServiceRegistry, WorkflowEngine, make_engine, refresh_statistics, utcnow
from modules import register_all
from webui.demo_history import HistoryWriter
from webui.migrate import upgrade

from .bench_dashboard import time_aggregates
from .timing import progress

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "purchase_approval"


def history_dashboard(task_rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/history.db"
        upgrade(url)
        db = make_engine(url)
        WorkflowEngine(db, register_all(ServiceRegistry())).deploy_path(PROCESSES)
        now = utcnow()
        writer = HistoryWriter(db, now, months=12)
        written, start = 0, time.perf_counter()
        while written < task_rows:  # about 1.2 tasks per request
            written += writer.write(max(1000, int((task_rows - written) / 1.25)))[1]
            progress("task rows", written, task_rows)
        seconds = time.perf_counter() - start
        print(file=sys.stderr)
        refresh_statistics(db)
        since = now - timedelta(days=365)
        with Session(db) as session:
            assert session.scalar(select(func.count()).select_from(HumanTask)) == written
            figures = time_aggregates(session, since, now)
        db.dispose()
    worst = max(figures.values())
    return {"metric": f"seed-history to {written // 1000}k task rows ({written / seconds:,.0f} rows/s), "
                      "then ms per monitor aggregate over a year (SQLite)",
            "opsflow": ", ".join(f"{k} {v:.0f}" for k, v in figures.items()), "baseline": "—",
            "ratio": f"worst {worst:.0f} ms", "target": "<= 500 ms each", "met": worst <= 500}
