"""The scheduler keeps the monitor's daily roll-ups: a poll seals the days that ended an hour ago or more."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import Actor, ServiceRegistry, WorkflowEngine, analytics
from engine.rollups import DAY, OpenTask, RollupState, TaskDay
from rules import FactProviders, RuleStore
from tests.conftest import PROCESSES
from webui.scheduler import Scheduler

ALICE = Actor("alice", frozenset({"requesters"}), department="IT")
BOB = Actor("bob", frozenset({"IT-managers"}))
REQUEST = {"item": "Server", "supplier": "Huawei", "reason": "capacity", "department": "IT", "quantity": 1,
           "unit_price": 9000}


def test_a_poll_seals_the_days_before_and_the_figures_stay_the_same(db: Engine, registry: ServiceRegistry) -> None:
    now = datetime(2026, 3, 2, 9, 0)
    eng = WorkflowEngine(db, registry, clock=lambda: now)
    eng.deploy_path(PROCESSES)
    done = eng.start("purchase_approval", REQUEST, ALICE)
    eng.start("purchase_approval", REQUEST, ALICE)  # left open
    now += timedelta(hours=3)
    eng.complete(done.tasks[0].id, BOB, {"decision": "approve"})
    now += timedelta(days=1)
    with eng.read() as session:
        before = analytics.report(session, now, days=7, process="purchase_approval")
    Scheduler(eng, RuleStore(db), FactProviders(), clock=lambda: now).poll()
    with Session(db) as session:
        assert session.scalar(select(RollupState.sealed_until)) == datetime(2026, 3, 3)
        assert session.scalar(select(func.sum(TaskDay.final)).where(TaskDay.span == DAY)) == 1
        assert session.scalar(select(func.count()).select_from(OpenTask)) == 1
    with eng.read() as session:
        after = analytics.report(session, now, days=7, process="purchase_approval")
    assert (after.steps, after.cycles) == (before.steps, before.cycles)  # (the poll starts other processes)
