"""Two real scheduler processes against one PostgreSQL: every due rule run runs exactly once, each open
task is decided once, the next runs are planned once, and a start cycle starts one instance per firing."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from engine import Actor, Job, ProcessInstance, WorkflowEngine, add_unique_job, arm_timer_starts
from rules import RULE_RUN_JOB, RuleStore

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "engine"), str(ROOT / "tests" / "engine" / "jobs")]
from timer_bpmn import timer_start  # noqa: E402
from tiny_bpmn import bundle  # noqa: E402

NOW = datetime(2030, 6, 3, 9, 0, 30)
RULE_SETS, OCCURRENCES, REQUESTS = 30, 10, 6
SMALL = [{"name": "small", "decision": "approve", "when": [{"fact": "amount", "op": "<", "value": 5000}]}]
pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                                reason="several scheduler processes need PostgreSQL")


def due_rule_runs(db: Engine) -> int:
    """Rule sets whose runs of the last ten minutes are all due (the schedulers were away), and one real one."""
    past = NOW - timedelta(minutes=OCCURRENCES)
    store = RuleStore(db, lambda: past)
    real = store.create("Small purchases", "purchase_approval", "Task_manager_approval", "ada")
    store.save_draft(real, SMALL, "ada")
    store.publish(real, "ada")
    ids = [real] + [store.create(f"Rule set {i}", "purchase_approval", f"Task_{i}", "ada") for i in range(RULE_SETS)]
    with store.session() as s:
        for rule_set_id in ids:
            for minute in range(1, OCCURRENCES):
                due = past + timedelta(minutes=minute, seconds=30)
                add_unique_job(s, RULE_RUN_JOB, due, f"{RULE_RUN_JOB}:{rule_set_id}:{due.isoformat()}",
                               {"rule_set": rule_set_id}, now=past)
    return len(ids) * OCCURRENCES


def test_two_scheduler_processes_run_each_rule_run_once(
        job_runs: Engine, workflow_engine: WorkflowEngine, database_url: str, tmp_path: Path) -> None:
    earlier = WorkflowEngine(job_runs, workflow_engine.registry, clock=lambda: NOW - timedelta(minutes=20))
    requests = [earlier.start("purchase_approval", {"item": "Mouse", "supplier": "ACME", "quantity": 1,
                                                    "unit_price": 100.0 + i, "reason": "spares", "department": "IT"},
                              Actor("rita", department="IT")).id for i in range(REQUESTS)]
    earlier.deploy_bundle(bundle(timer_start("every_minute", "timeCycle", '"R/PT1M"')))
    arm_timer_starts(earlier)  # its first firing came due 19 minutes ago
    expected = due_rule_runs(job_runs)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(Path(__file__).with_name("scheduler_pair_worker.py")),
                               database_url, name, NOW.isoformat(), str(tmp_path / name), str(go)], env=env, cwd=ROOT)
             for name in ("s1", "s2")]
    deadline = time.monotonic() + 60
    while not all((tmp_path / name).exists() for name in ("s1", "s2")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "a scheduler did not start"
        time.sleep(0.05)
    go.write_text("go")
    assert [p.wait(timeout=120) for p in procs] == [0, 0]

    with job_runs.connect() as conn:
        runs = conn.execute(text("SELECT count(*), count(DISTINCT job_id) FROM job_runs")).one()
        per_worker = dict(conn.execute(text("SELECT worker, count(*) FROM job_runs GROUP BY worker")).all())
    assert tuple(runs) == (expected, expected)
    assert set(per_worker) == {"s1", "s2"}, per_worker  # both took a share
    with workflow_engine.read() as s:
        counts = dict(s.execute(select(Job.status, func.count()).where(Job.kind == RULE_RUN_JOB)
                                .group_by(Job.status)).all())
        planned = s.scalars(select(Job.due_at).where(Job.kind == RULE_RUN_JOB, Job.status == "pending")).all()
        started = s.scalars(select(ProcessInstance.id).where(ProcessInstance.process_key == "every_minute")
                            .order_by(ProcessInstance.id)).all()
    assert counts == {"done": expected, "pending": RULE_SETS + 1}
    assert set(planned) == {datetime(2030, 6, 3, 9, 1)}  # the next run of each rule set, planned once

    for instance_id in requests:
        history = workflow_engine.get(instance_id).history
        assert [e.actor for e in history if e.kind == "task_completed"] == ["system"]
    # the missed firings of the cycle started one instance; the next one waits for 09:01:30
    fired = [[e.detail["due_at"] for e in workflow_engine.get(i).history if e.kind == "timer_fired"] for i in started]
    assert fired == [["2030-06-03T08:41:30.000"], []]
