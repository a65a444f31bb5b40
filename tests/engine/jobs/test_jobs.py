"""The jobs table: leases, retries with backoff, incidents; several real scheduler processes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from engine import SYSTEM, Actor, Conflict, Event, Forbidden, Job, JobRunner, RunReport, WorkflowEngine, add_job, utcnow

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2030, 1, 1, 12, 0)
USE_PG = os.environ.get("DATABASE_URL", "").startswith("postgresql")


@pytest.fixture
def eng(db: Engine) -> WorkflowEngine:
    return WorkflowEngine(db, clock=lambda: T0)


def add(eng: WorkflowEngine, kind: str, due: datetime = T0, **kw: object) -> int:
    with eng._write() as s:
        job = add_job(s, kind, due, now=T0, **kw)
        s.flush()
        return job.id


def job(eng: WorkflowEngine, job_id: int) -> Job:
    with eng.read() as s:
        return s.get(Job, job_id)


def test_a_job_runs_when_due_and_only_then(eng: WorkflowEngine) -> None:
    ran: list[int] = []
    runner = JobRunner(eng, handlers={"ping": lambda s, j: ran.append(j.id)})
    job_id = add(eng, "ping", T0 + timedelta(minutes=5))
    assert runner.run_due(T0, "w1").claimed == 0
    assert runner.run_due(T0 + timedelta(minutes=5), "w1").done == 1
    assert ran == [job_id]
    assert job(eng, job_id).status == "done"
    assert runner.run_due(T0 + timedelta(hours=1), "w1").claimed == 0


def test_a_claimed_job_is_not_claimed_again_until_its_lease_runs_out(eng: WorkflowEngine) -> None:
    runner = JobRunner(eng, lease=timedelta(seconds=60))
    job_id = add(eng, "ping")
    assert [i for i, _ in runner.claim(T0, "dead-worker")] == [job_id]
    assert runner.claim(T0 + timedelta(seconds=59), "w2") == []
    ran: list[str] = []
    runner.register("ping", lambda s, j: ran.append(j.claimed_by))
    report = runner.run_due(T0 + timedelta(seconds=61), "w2")
    assert (report.done, ran) == (1, ["w2"])
    assert job(eng, job_id).attempts == 2


def test_the_first_worker_finishing_after_losing_its_lease_does_not_run_the_job(eng: WorkflowEngine) -> None:
    ran: list[str] = []
    runner = JobRunner(eng, handlers={"ping": lambda s, j: ran.append(j.claimed_by)})
    add(eng, "ping")
    (job_id, until), = runner.claim(T0, "slow")
    runner.run_due(T0 + timedelta(minutes=2), "fast")
    late = RunReport()
    runner.run_one(job_id, "slow", until, T0 + timedelta(minutes=3), late)  # the slow worker wakes up
    assert (late.lost, ran) == (1, ["fast"])


def test_a_claim_takes_jobs_whose_lease_ran_out_first_then_pending_ones_by_due_time(eng: WorkflowEngine) -> None:
    runner = JobRunner(eng, lease=timedelta(seconds=60))
    later = add(eng, "ping", T0 - timedelta(minutes=1))
    earlier = add(eng, "ping", T0 - timedelta(minutes=2))
    abandoned = add(eng, "ping", T0 - timedelta(minutes=1))
    not_yet = add(eng, "ping", T0 + timedelta(minutes=5))
    with eng._write() as s:
        s.execute(text("UPDATE jobs SET status = 'running', claimed_by = 'dead', claimed_until = :t WHERE id = :i"),
                  {"t": T0 - timedelta(seconds=1), "i": abandoned})
    assert [i for i, _ in runner.claim(T0, "w1", limit=2)] == [abandoned, earlier]
    assert [i for i, _ in runner.claim(T0, "w2", limit=2)] == [later]
    assert job(eng, not_yet).status == "pending"


def failing(session: object, job: Job) -> None:
    raise RuntimeError("mail server down")


def test_failures_back_off_exponentially_then_become_an_incident(eng: WorkflowEngine) -> None:
    runner = JobRunner(eng, backoff=timedelta(seconds=30), handlers={"mail": failing})
    job_id = add(eng, "mail", max_attempts=3)
    now = T0
    dues = []
    for _ in range(2):
        assert runner.run_due(now, "w").retried == 1
        now = job(eng, job_id).due_at
        dues.append(now)
    assert dues == [T0 + timedelta(seconds=30), T0 + timedelta(seconds=90)]
    assert runner.run_due(now, "w").failed == 1
    failed = job(eng, job_id)
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert failed.last_error == "RuntimeError: mail server down"
    assert [j.id for j in runner.incidents()] == [job_id]


def test_an_operator_retries_or_skips_an_incident_and_the_instance_log_says_so(eng: WorkflowEngine) -> None:
    from engine.models import ProcessDefinition, ProcessInstance

    with eng._write() as s:  # a bare instance row to hang the events on
        d = ProcessDefinition(key="p", name="p", version=1, checksum="x", bpmn_xml="", spec_json="{}",
                              deployed_at=T0)
        s.add(d)
        s.flush()
        inst = ProcessInstance(definition_id=d.id, process_key="p", status="waiting", state="{}",
                               started_by="alice", created_at=T0, updated_at=T0)
        s.add(inst)
        s.flush()
        instance_id = inst.id
    runner = JobRunner(eng, handlers={"mail": failing})
    first = add(eng, "mail", max_attempts=1, instance_id=instance_id)
    second = add(eng, "mail", max_attempts=1, instance_id=instance_id)
    assert runner.run_due(T0, "w").failed == 2
    with pytest.raises(Forbidden):
        runner.retry(first, Actor("bob"))
    runner.retry(first, SYSTEM)
    runner.skip(second, SYSTEM)
    with pytest.raises(Conflict):
        runner.skip(second, SYSTEM)
    assert (job(eng, first).status, job(eng, first).attempts) == ("pending", 0)
    assert job(eng, second).status == "skipped"
    with eng.read() as s:
        kinds = [(e.kind, e.actor) for e in s.scalars(select(Event).where(Event.instance_id == instance_id)
                                                        .order_by(Event.id))]
    assert kinds == [("job_failed", "system"), ("job_failed", "system"), ("job_retried", "system"),
                     ("job_skipped", "system")]


# -- several real scheduler processes against one PostgreSQL ------------------------------------------
pg_only = pytest.mark.skipif(not USE_PG, reason="several scheduler processes need PostgreSQL")


def worker(url: str, name: str, mode: str, marker: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, str(Path(__file__).with_name("jobs_worker.py")), url, name, mode]
    return subprocess.Popen(args + ([str(marker)] if marker else []), env=env, cwd=ROOT)


@pg_only
def test_two_scheduler_processes_run_each_of_1000_jobs_exactly_once(job_runs: Engine, database_url: str) -> None:
    eng = WorkflowEngine(job_runs)
    now = utcnow()
    with eng._write() as s:
        s.execute(Job.__table__.insert(), [
            {"kind": "count", "due_at": now - timedelta(seconds=1), "payload": {}, "status": "pending",
             "attempts": 0, "max_attempts": 5, "created_at": now} for _ in range(1000)])
    procs = [worker(database_url, f"w{i}", "count") for i in (1, 2)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    with job_runs.connect() as conn:
        runs = conn.execute(text("SELECT count(*), count(DISTINCT job_id) FROM job_runs")).one()
        per_worker = dict(conn.execute(text("SELECT worker, count(*) FROM job_runs GROUP BY worker")).all())
    assert tuple(runs) == (1000, 1000)
    assert set(per_worker) == {"w1", "w2"}, per_worker  # both took a share
    with eng.read() as s:
        assert s.scalar(select(func.count()).select_from(Job).where(Job.status == "done")) == 1000


@pg_only
def test_a_scheduler_killed_mid_job_leaves_it_to_be_taken_after_the_lease(
        job_runs: Engine, database_url: str, tmp_path: Path) -> None:
    eng = WorkflowEngine(job_runs)
    with eng._write() as s:
        j = add_job(s, "hang", utcnow() - timedelta(seconds=1), now=utcnow())
        s.flush()
        job_id = j.id
    marker = tmp_path / "claimed"
    proc = worker(database_url, "doomed", "hang", marker)
    deadline = time.monotonic() + 20
    while not marker.exists():
        assert time.monotonic() < deadline and proc.poll() is None, "worker never claimed the job"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    taken: list[str] = []
    runner = JobRunner(eng, lease=timedelta(seconds=60), handlers={"hang": lambda s, j: taken.append(j.claimed_by)})
    assert runner.run_due(utcnow(), "survivor").claimed == 0  # still leased to the dead worker
    deadline = time.monotonic() + 10
    report = runner.run_due(utcnow() + timedelta(seconds=61), "survivor")
    while report.done == 0 and time.monotonic() < deadline:  # PostgreSQL notices the dead connection
        report = runner.run_due(utcnow() + timedelta(seconds=61), "survivor")
    assert taken == ["survivor"]
    finished = job(eng, job_id)
    assert (finished.status, finished.attempts) == ("done", 2)
    with job_runs.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_runs")).scalar() == 0  # the killed run left nothing
