"""`opsflow scheduler` as its own process: APScheduler polls, a due timer fires, the flow runs on."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from engine import Actor, WorkflowEngine, utcnow

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "engine"), str(ROOT / "tests" / "engine" / "jobs")]
from timer_bpmn import intermediate  # noqa: E402
from tiny_bpmn import bundle  # noqa: E402


def test_a_separate_scheduler_process_fires_a_due_timer(db: Engine, database_url: str) -> None:
    an_hour_ago = utcnow() - timedelta(hours=1)
    eng = WorkflowEngine(db, clock=lambda: an_hour_ago)
    eng.deploy_bundle(bundle(intermediate("nudge", "timeDuration", '"PT10M"')))
    inst = eng.start("nudge", {}, Actor("alice"))
    assert eng.get(inst.id).status == "waiting"  # its timer came due 50 minutes ago

    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", "from webui.cli import main; main()", "scheduler", "--poll",
                             "0.2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while eng.get(inst.id).status != "completed":
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the scheduler did not fire the timer"
            time.sleep(0.1)  # waiting on another process, not on a clock
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    fired = [e for e in eng.get(inst.id).history if e.kind == "timer_fired"]
    assert [(e.actor, e.task_name) for e in fired] == [("system", "wait")]
    log = proc.stderr.read().decode()
    assert "polling every 0.2s" in log
    assert "State changed" not in log and "executed successfully" not in log, \
        "task state changes and polls are not logged one by one"
