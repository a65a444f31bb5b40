"""dashboard: each monitoring aggregate over a task table of a million rows."""
from __future__ import annotations

import random
import statistics
import tempfile
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine import analytics

from .bench_inbox import T0, _fill, _prepare
from .timing import timed


def time_aggregates(session: Session, since: datetime, now: datetime) -> dict[str, float]:
    """Median ms of each aggregate the monitor page runs, over five runs."""
    return {name: statistics.median(timed(run, 5)) for name, run in {
        "steps": lambda: analytics.step_timings(session, since, now, with_percentiles=False),
        "percentiles": lambda: analytics.step_percentiles(session, since),
        "cycles": lambda: analytics.process_cycles(session, since),
        "workload": lambda: analytics.workload(session, now),
        "throughput": lambda: analytics.throughput(session, since, now),
    }.items()}


def dashboard(rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = _prepare(f"sqlite:///{tmp}/dashboard.db")
        _fill(db, 0, rows, random.Random(11))
        with db.begin() as conn:
            conn.execute(text("ANALYZE"))
        now = T0 + timedelta(minutes=rows)
        since = now - timedelta(days=365)
        with Session(db) as session:
            figures = time_aggregates(session, since, now)
        db.dispose()
    worst = max(figures.values())
    return {"metric": f"ms per aggregate over {rows // 1000}k task rows (SQLite)",
            "opsflow": ", ".join(f"{k} {v:.0f}" for k, v in figures.items()), "baseline": "—",
            "ratio": f"worst {worst:.0f} ms", "target": "<= 500 ms each", "met": worst <= 500}
