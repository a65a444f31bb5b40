"""inbox_query: "my tasks" for a user in 10 groups, a page of 50 by due date, as history grows.

Rows are bulk-inserted straight into the tables (1% open), so the
benchmark measures the query, not the time it takes to make history.
"""
from __future__ import annotations

import random
import sys
import tempfile
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, text

from engine import Actor, HumanTask, ProcessInstance, ServiceRegistry, WorkflowEngine, make_engine
from engine.models import Base, ProcessDefinition
from webui.migrate import upgrade

from .timing import p95, progress, timed

GROUPS = [f"group-{i:02d}" for i in range(20)]  # the user is in half of them
USER = Actor("user", frozenset(GROUPS[:10]))
BATCH = 20_000
T0 = datetime(2026, 1, 1)


def empty_schema(url: str) -> None:
    """Drop every table of a PostgreSQL benchmark database (SQLite ones are new files)."""
    if url.startswith("postgresql"):
        db = make_engine(url)
        with db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.dispose()


def _prepare(url: str) -> Any:
    empty_schema(url)
    upgrade(url)
    db = make_engine(url)
    with db.begin() as conn:
        conn.execute(insert(ProcessDefinition), [{
            "key": "bench", "name": "bench", "version": 1, "checksum": "", "source": "", "bpmn_xml": "",
            "dmn_xml": [], "spec_json": "{}", "forms": {}, "deployed_at": T0, "deployed_by": "bench"}])
    return db


def _fill(db: Any, start: int, stop: int, rng: random.Random) -> None:
    for base in range(start, stop, BATCH):
        end = min(base + BATCH, stop)
        instances = [{"id": i // 10 + 1, "definition_id": 1, "process_key": "bench", "status": "waiting",
                      "state": "{}", "summary": {}, "started_by": "someone", "created_at": T0, "updated_at": T0,
                      "lock_version": 1} for i in range(base, end, 10)]
        tasks = []
        for i in range(base, end):
            is_open = rng.random() < 0.01
            wait = rng.randint(5, 5000)
            created = T0 + timedelta(minutes=i)
            tasks.append({
                "id": f"{i:036d}", "instance_id": i // 10 + 1, "process_key": "bench", "task_name": "Approve",
                "title": f"task {i}", "candidate_group": rng.choice(GROUPS), "status": "open" if is_open else
                "completed", "created_at": created, "due_at": created + timedelta(days=rng.randint(1, 9)),
                "completed_by": None if is_open else "someone",
                "completed_at": None if is_open else created + timedelta(minutes=wait),
                "wait_seconds": None if is_open else wait * 60.0,
                "claim_wait_seconds": None if is_open else wait * 40.0,
                "work_seconds": None if is_open else wait * 20.0,
                "late_working_seconds": None if is_open else float(rng.choice((0, 0, 0, wait)))})
        with db.begin() as conn:
            conn.execute(insert(ProcessInstance), instances)
            conn.execute(insert(HumanTask), tasks)
        progress("rows", end, stop)
    print(file=sys.stderr)


def inbox_query(url: str, rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/inbox.db" if url == "sqlite" else url
        db = _prepare(url)
        eng = WorkflowEngine(db, ServiceRegistry())
        rng = random.Random(7)
        figures = {}
        filled = 0
        for size in (10_000, rows):
            _fill(db, filled, size, rng)
            filled = size
            with db.begin() as conn:
                conn.execute(text("ANALYZE"))
            page = eng.open_tasks(USER, limit=50)
            assert page and all(t.candidate_group in USER.groups for t in page)
            figures[size] = p95(timed(lambda: eng.open_tasks(USER, limit=50), 200))
        db.dispose()
        if url.startswith("postgresql"):
            Base.metadata.drop_all(make_engine(url))
    small, big = figures[10_000], figures[rows]
    return {"metric": f"p95 ms, 10k → {rows // 1000}k rows", "opsflow": f"{small:.2f} → {big:.2f} ms",
            "baseline": "the 10k figure", "ratio": round(big / small, 2), "target": "<= 1.5 and < 20 ms",
            "met": big / small <= 1.5 and big < 20}
