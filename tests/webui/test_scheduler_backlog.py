"""A backlog of due timers is worked off poll after poll, not one batch per poll interval."""
from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from engine import Actor, WorkflowEngine, utcnow
from rules import FactProviders, RuleStore
from webui.scheduler import Scheduler

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "engine"), str(ROOT / "tests" / "engine" / "jobs")]
from timer_bpmn import intermediate  # noqa: E402
from tiny_bpmn import bundle  # noqa: E402


def _due_timers(db: Engine, count: int) -> tuple[WorkflowEngine, list[int]]:
    an_hour_ago = utcnow() - timedelta(hours=1)
    eng = WorkflowEngine(db, clock=lambda: an_hour_ago)
    eng.deploy_bundle(bundle(intermediate("nudge", "timeDuration", '"PT10M"')))
    ids = [eng.start("nudge", {}, Actor("alice")).id for _ in range(count)]
    eng.clock = utcnow  # each timer came due 50 minutes ago
    return eng, ids


def test_a_poll_says_whether_its_batch_was_full(db: Engine) -> None:
    eng, ids = _due_timers(db, 3)
    scheduler = Scheduler(eng, RuleStore(db), FactProviders(), batch=2)
    first = scheduler.poll()
    assert (first.jobs_done, first.more_due) == (2, True)
    second = scheduler.poll()
    assert (second.jobs_done, second.more_due) == (1, False)
    assert [eng.get(i).status for i in ids] == ["completed"] * 3


def test_the_running_scheduler_polls_again_at_once_while_its_batches_come_back_full(db: Engine) -> None:
    eng, ids = _due_timers(db, 7)
    # a minute between polls and two jobs a batch: without the immediate re-poll the last
    # timers would wait three minutes
    scheduler = Scheduler(eng, RuleStore(db), FactProviders(), batch=2, poll_seconds=60)
    scheduler.start_background()
    try:
        deadline = time.monotonic() + 30
        while any(eng.get(i).status != "completed" for i in ids):
            assert time.monotonic() < deadline, "the backlog waited for the next poll interval"
            time.sleep(0.1)  # waiting on the scheduler's thread, not on a clock
    finally:
        scheduler.shutdown()
    fired = [e for i in ids for e in eng.get(i).history if e.kind == "timer_fired"]
    assert len(fired) == len(ids)
