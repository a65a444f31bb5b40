"""timers: BPMN timers fired by real `opsflow scheduler` processes on PostgreSQL, one process and then two.

Each timer is an instance of a start → timer → end process waiting at its timer, with its `timer`
row in the jobs table. Starting 100k instances one by one through the engine would take longer
than firing them, so the engine starts one instance and its rows (instance with its workflow state,
`instance_started` event, timer job) are copied in one transaction: each copy gets new ids, new task
UUIDs and its own due time written both in the workflow state and in the job, which is what the
engine writes for an instance started at that due time minus the timer's duration. Firing is the
scheduler's own: `python -m webui.cli scheduler` processes (the `opsflow` console script).

Three runs, each on emptied tables with a fresh set of timers:
- one process, all timers already due: fired/s (first `timer_fired` event to the last);
- two processes, the same: fired/s, and the ratio to one;
- one process with timers coming due at half the single-process rate: lateness (the
  `timer_fired` event's time minus the timer's due time), whose floor is the poll interval.
After each run every instance must have completed with one `timer_fired` and one
`instance_completed` event: anything more is a duplicate. `reclaimed` counts jobs claimed more
than once (no scheduler dies here, so no lease should run out).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from engine import Actor, WorkflowEngine, make_engine, utcnow
from webui.migrate import upgrade

from .bench_inbox import empty_schema
from .timing import progress
from .workloads import timer_bundle

ROOT = Path(__file__).resolve().parents[2]
DURATION = timedelta(hours=1)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
COPY_BATCH = 5_000


class Template:
    """One instance started by the engine, waiting at its timer: the rows every copy repeats."""

    def __init__(self, db: Engine) -> None:
        started = utcnow()
        eng = WorkflowEngine(db, clock=lambda: started)
        eng.deploy_bundle(timer_bundle("snooze", "PT1H"))
        inst_id = eng.start("snooze", {}, Actor("bench")).id
        with db.begin() as conn:
            inst = conn.execute(text("SELECT * FROM process_instances WHERE id = :i"), {"i": inst_id}).mappings().one()
            job = conn.execute(text("SELECT * FROM jobs WHERE instance_id = :i"), {"i": inst_id}).mappings().one()
            events = conn.execute(text("SELECT * FROM events WHERE instance_id = :i"), {"i": inst_id}).mappings().all()
        assert inst["status"] == "waiting" and job["due_at"] == started + DURATION
        assert [e["kind"] for e in events] == ["instance_started"], events
        self.instance, self.job, self.event = dict(inst), dict(job), dict(events[0])
        self.due_text = (started + DURATION).replace(tzinfo=UTC).isoformat()
        assert self.due_text in inst["state"], "the timer's fire time is not where the copy expects it"
        self.task_ids = sorted(set(UUID_RE.findall(inst["state"])))
        self.timer_task = job["payload"]["task"]
        assert self.timer_task in self.task_ids

    def state(self, due: datetime) -> tuple[str, str]:
        """The workflow state for a timer due at `due` (naive UTC), with new task ids; and the timer's id."""
        state = self.instance["state"].replace(self.due_text, due.replace(tzinfo=UTC).isoformat())
        timer = ""
        for old in self.task_ids:
            new = str(uuid.uuid4())
            state = state.replace(old, new)
            timer = new if old == self.timer_task else timer
        return state, timer


def _json(value: Any) -> str:
    return json.dumps(value)


def add_timers(db: Engine, template: Template, due: list[datetime]) -> None:
    """Copy the template once per due time, in one transaction: no scheduler sees a partial set."""
    t = template
    raw = db.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute("SELECT nextval('process_instances_id_seq') FROM generate_series(1, %s)", (len(due),))
            ids = [row[0] for row in cur.fetchall()]
            for base in range(0, len(due), COPY_BATCH):
                chunk = list(zip(ids[base:base + COPY_BATCH], due[base:base + COPY_BATCH], strict=True))
                instances, jobs, events = [], [], []
                for inst_id, at in chunk:
                    state, timer = t.state(at)
                    started = at - DURATION
                    instances.append((inst_id, t.instance["definition_id"], t.instance["process_key"], "waiting",
                                      state, _json(t.instance["summary"]), t.instance["started_by"], started,
                                      started, 1))
                    jobs.append(("timer", at, _json({**t.job["payload"], "task": timer}), inst_id, "pending", 0,
                                 t.job["max_attempts"], started))
                    events.append((inst_id, "instance_started", t.event["actor"], started, _json(t.event["detail"])))
                for table, columns, rows in (
                        ("process_instances", "id, definition_id, process_key, status, state, summary, started_by, "
                                              "created_at, updated_at, lock_version", instances),
                        ("jobs", "kind, due_at, payload, instance_id, status, attempts, max_attempts, created_at",
                         jobs),
                        ("events", "instance_id, kind, actor, at, detail", events)):
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                progress("timers written", base + len(chunk), len(due))
        conn.commit()
    finally:
        raw.close()
    print(file=sys.stderr)
    with db.begin() as c:
        c.execute(text("ANALYZE process_instances"))
        c.execute(text("ANALYZE jobs"))
        c.execute(text("ANALYZE events"))


def empty_runtime(db: Engine) -> None:
    """Instances, jobs and events of the previous run go: each run starts from the same table sizes."""
    with db.begin() as conn:
        conn.execute(text("TRUNCATE events, jobs, human_tasks, process_instances RESTART IDENTITY CASCADE"))


class Schedulers:
    """`count` real scheduler processes, started and ready to poll; stopped by SIGTERM on exit."""

    def __init__(self, url: str, count: int, poll: float) -> None:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "OPSFLOW_SECRET_KEY": "bench",
               "OPSFLOW_SCHEDULER": "off"}
        self.logs = [Path(tempfile.gettempdir()) / f"opsflow-bench-scheduler-{count}-{i}.log" for i in range(count)]
        self.procs = []
        for log in self.logs:
            with open(log, "w") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "webui.cli", "scheduler", "--poll", str(poll)], env=env, cwd=ROOT,
                    stdout=subprocess.DEVNULL, stderr=out))

    def __enter__(self) -> Schedulers:
        deadline = time.monotonic() + 120
        while not all("polling every" in log.read_text() for log in self.logs):
            self.check()
            if time.monotonic() > deadline:
                raise RuntimeError(f"the schedulers did not start; see {self.logs}")
            time.sleep(0.2)
        return self

    def check(self) -> None:
        for proc, log in zip(self.procs, self.logs, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(f"a scheduler exited ({proc.returncode}); see {log}")

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_fired(db: Engine, schedulers: Schedulers, label: str, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with db.connect() as conn:
            done = conn.execute(text("SELECT count(*) FROM jobs WHERE kind = 'timer' AND status = 'done'")).scalar()
        progress(label, done, total)
        if done >= total:
            break
        schedulers.check()
        if time.monotonic() > deadline:
            print(file=sys.stderr)
            raise RuntimeError(f"{label}: only {done} of {total} timers fired in {timeout:.0f} s")
        time.sleep(0.5)
    print(file=sys.stderr)


def outcome(db: Engine, total: int) -> dict[str, Any]:
    """Rate, duplicates and lateness of the timers fired in this run, from the event log."""
    with db.connect() as conn:
        fired = conn.execute(text(
            "SELECT instance_id, at, detail FROM events WHERE kind = 'timer_fired' ORDER BY at")).all()
        completions = conn.execute(text("SELECT count(*) FROM events WHERE kind = 'instance_completed'")).scalar()
        completed = conn.execute(text("SELECT count(*) FROM process_instances WHERE status = 'completed'")).scalar()
        jobs_done = conn.execute(text("SELECT count(*) FROM jobs WHERE status = 'done'")).scalar()
        reclaimed = conn.execute(text("SELECT count(*) FROM jobs WHERE attempts > 1")).scalar()
    instances = {row.instance_id for row in fired}
    duplicates = (len(fired) - len(instances)) + (completions - completed)
    span = (fired[-1].at - fired[0].at).total_seconds() if len(fired) > 1 else float("nan")
    late = sorted((row.at - datetime.fromisoformat(row.detail["due_at"])).total_seconds() for row in fired)
    return {"timers": total, "fired": len(fired), "completed": completed, "jobs_done": jobs_done,
            "reclaimed": reclaimed, "duplicates": duplicates,
            "per_s": (len(fired) - 1) / span if span else float("nan"),
            "late_p50": late[len(late) // 2], "late_p99": late[max(0, int(len(late) * 0.99) - 1)],
            "late_max": late[-1], "load_avg": os.getloadavg()}


def burst(url: str, db: Engine, template: Template, processes: int, count: int, poll: float) -> dict[str, Any]:
    """`count` timers all due an hour ago, fired by `processes` schedulers started beforehand."""
    empty_runtime(db)
    with Schedulers(url, processes, poll) as schedulers:
        past = utcnow() - timedelta(minutes=5)
        add_timers(db, template, [past + timedelta(microseconds=i) for i in range(count)])
        _wait_fired(db, schedulers, f"{processes} scheduler(s), timers fired", count, timeout=max(120, count / 5))
    return outcome(db, count)


def steady(url: str, db: Engine, template: Template, per_s: float, seconds: float, poll: float) -> dict[str, Any]:
    """Timers coming due at `per_s` a second for `seconds`, fired by one scheduler."""
    empty_runtime(db)
    count = max(1, int(per_s * seconds))
    with Schedulers(url, 1, poll) as schedulers:
        start = utcnow() + timedelta(seconds=5)  # leaves time to write them
        add_timers(db, template, [start + timedelta(seconds=i / per_s) for i in range(count)])
        _wait_fired(db, schedulers, f"{per_s:.0f} timers/s coming due, fired", count, timeout=seconds + 120)
    return outcome(db, count)


def timers(url: str | None, count: int, steady_seconds: float, poll: float = 1.0) -> dict[str, Any]:
    target = "0 duplicates; 2 processes ≥ 1.6× one; lateness p99 ≤ 2 s below saturation"
    if not url:
        return {"metric": "timers fired/s (needs --pg)", "opsflow": "—", "baseline": "—", "ratio": "—",
                "target": target, "met": False}
    empty_schema(url)
    upgrade(url)
    db = make_engine(url)
    try:
        template = Template(db)
        one = burst(url, db, template, 1, count, poll)
        two = burst(url, db, template, 2, count, poll)
        late = steady(url, db, template, one["per_s"] / 2, steady_seconds, poll)
    finally:
        db.dispose()
    duplicates = one["duplicates"] + two["duplicates"] + late["duplicates"]
    complete = all(r["completed"] == r["jobs_done"] == r["timers"] and not r["reclaimed"] for r in (one, two, late))
    scale = two["per_s"] / one["per_s"]
    size = f"{count // 1000}k" if count >= 1000 else str(count)
    return {"metric": f"{size} due timers fired/s, 1 → 2 scheduler processes (PostgreSQL, poll {poll:g} s); "
                      f"duplicates; lateness p99 at {late['timers'] / steady_seconds:.0f}/s coming due",
            "opsflow": f"{one['per_s']:.0f} → {two['per_s']:.0f}/s; {duplicates} duplicates; "
                       f"p99 {late['late_p99']:.2f} s",
            "baseline": "one process", "ratio": f"{scale:.2f}×",
            "target": target, "met": duplicates == 0 and complete and scale >= 1.6 and late["late_p99"] <= 2.0,
            "one": one, "two": two, "steady": late}


if __name__ == "__main__":
    print(timers(os.environ.get("OPSFLOW_BENCH_PG"), int(sys.argv[1]) if len(sys.argv) > 1 else 2000, 20))
