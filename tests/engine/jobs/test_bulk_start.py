"""A sheet of starts as a job: each request starts as its own instance, a bad one stops no other, and a job
taken again (its scheduler died) starts nothing twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select
from tiny_bpmn import bundle, linear, user

from engine import Actor, Job, JobRunner, ProcessInstance, ServiceRegistry, WorkflowEngine, bulk_start

T0 = datetime(2030, 1, 1, 9, 0)
RITA = Actor("rita", frozenset({"requesters"}), department="IT")
FORM = {"fields": [{"name": "item", "type": "string", "required": True},
                   {"name": "quantity", "type": "integer", "min": 1}]}


def engine(db: Engine) -> WorkflowEngine:
    eng = WorkflowEngine(db, ServiceRegistry(), clock=lambda: T0)
    eng.deploy_bundle(bundle(linear("order", user("Task_check", "team")), forms={"start": FORM}))
    return eng


def queue(eng: WorkflowEngine, requests: list[dict]) -> int:
    with eng._write() as session:
        job = bulk_start.queue(session, "order", requests, RITA, T0, source="orders.xlsx")
        session.flush()
        return job.id


def started(eng: WorkflowEngine) -> int:
    with eng.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


def test_each_request_starts_alone_and_a_bad_one_is_reported(db: Engine) -> None:
    eng = engine(db)
    job_id = queue(eng, [{"rows": [2], "data": {"item": "pen", "quantity": 2}},
                         {"rows": [3], "data": {"item": "", "quantity": 0}},
                         {"rows": [4], "data": {"item": "ink", "quantity": "3"}}])
    assert started(eng) == 0
    assert JobRunner(eng).run_due(T0, "w1").done == 1
    with eng.read() as session:
        job = session.get(Job, job_id)
        outcome = bulk_start.results(job)
        progress = bulk_start.progress(job)
    assert [set(o) for o in outcome] == [{"rows", "instance_id"}, {"rows", "errors"}, {"rows", "instance_id"}]
    assert outcome[1]["errors"] == {"item": "is required", "quantity": "must be at least 1"}
    assert (progress["done"], progress["started"], progress["failed"], progress["finished"]) == (3, 2, 1, True)
    view = eng.get(outcome[2]["instance_id"])
    assert view.data["quantity"] == 3 and view.data["requester"] == "rita"


def test_a_job_taken_again_starts_nothing_twice(db: Engine) -> None:
    eng = engine(db)
    job_id = queue(eng, [{"rows": [n], "data": {"item": f"item {n}", "quantity": 1}} for n in range(2, 27)])
    assert JobRunner(eng).run_due(T0, "w1").done == 1
    with eng.read() as session:
        first = bulk_start.results(session.get(Job, job_id))
    with eng._write() as session:  # as if the scheduler died after its starts, before it wrote the last progress
        job = session.get(Job, job_id)
        job.status, job.payload = "pending", {**job.payload, "done": 10, "results": job.payload["results"][:10]}
    assert JobRunner(eng).run_due(T0, "w2").done == 1
    assert started(eng) == 25
    with eng.read() as session:
        assert bulk_start.results(session.get(Job, job_id)) == first


def test_a_starter_who_may_no_longer_start_gets_each_request_refused(db: Engine) -> None:
    eng = engine(db)
    with eng._write() as session:
        bulk_start.queue(session, "no_such_process", [{"rows": [2], "data": {}}], RITA, T0)
    assert JobRunner(eng).run_due(T0, "w1").done == 1
    with eng.read() as session:
        [outcome] = bulk_start.results(session.scalars(select(Job)).one())
    assert "errors" in outcome and started(eng) == 0
