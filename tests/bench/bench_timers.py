"""Timer lateness: how long after its due time a BPMN timer fires, with the real scheduler polling.

Timers due over a few seconds are fired by `webui.scheduler.Scheduler` (APScheduler in a
background thread, the embedded mode of `python app.py`). Lateness is the time of the
`timer_fired` event minus the timer's due time; the baseline is the poll interval, the
lateness a poller cannot avoid.
"""
from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import Actor, Event, WorkflowEngine, make_engine
from rules import FactProviders, RuleStore
from webui.migrate import upgrade
from webui.scheduler import Scheduler

from .timing import p50, p95, progress
from .workloads import timer_bundle


def timer_lateness(poll_seconds: float = 1.0, timers: int = 100) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'timers.db'}"
        upgrade(url)
        db = make_engine(url)
        engine = WorkflowEngine(db)
        engine.deploy_bundle(timer_bundle("nap", "PT2S"))
        scheduler = Scheduler(engine, RuleStore(db), FactProviders(), poll_seconds=poll_seconds)
        scheduler.start_background()
        try:
            for _ in range(timers):
                engine.start("nap", {}, Actor("bench"))
                time.sleep(2.0 / timers)  # spread the due times over two seconds
            deadline = time.monotonic() + 30
            while len(fired := _lateness(engine)) < timers and time.monotonic() < deadline:
                progress("timers fired", len(fired), timers)
                time.sleep(0.2)
            late = _lateness(engine)
        finally:
            scheduler.shutdown()
            db.dispose()
    worst = p95(late) if late else float("inf")
    return {"metric": "timer lateness p95 (s)", "opsflow": round(worst, 3), "baseline": poll_seconds,
            "ratio": round(worst / poll_seconds, 2), "target": "p95 ≤ poll interval + 0.5 s",
            "met": len(late) == timers and worst <= poll_seconds + 0.5,
            "p50": round(p50(late), 3) if late else None, "fired": len(late)}


def _lateness(engine: WorkflowEngine) -> list[float]:
    with engine.read() as session:
        events = session.scalars(select(Event).where(Event.kind == "timer_fired")).all()
    return [(e.at - datetime.fromisoformat(e.detail["due_at"])).total_seconds() for e in events]


if __name__ == "__main__":
    print(timer_lateness())
