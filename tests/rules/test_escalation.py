"""Escalation: overdue tasks are reminded once, then reassigned to the group's manager, all in the history."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from engine import Actor, ServiceRegistry, WorkflowEngine
from rules import RuleStore
from rules.escalation import escalate, policies, set_policy

RITA = Actor("rita", groups=frozenset({"requesters"}), department="it")
DORA = Actor("dora", groups=frozenset())


def test_overdue_task_is_reminded_then_reassigned(db: Engine, registry: ServiceRegistry,
                                                  workflow_engine: WorkflowEngine) -> None:
    now = [datetime(2030, 6, 3, 9, 0)]
    eng = WorkflowEngine(db, registry, clock=lambda: now[0])
    store = RuleStore(db, lambda: now[0])
    set_policy(store, "it-managers", "dora", 8, "ada")
    assert [(p.candidate_group, p.manager, p.updated_by) for p in policies(store)] == [("it-managers", "dora", "ada")]
    inst = eng.start("purchase_approval", {"item": "Desk", "supplier": "ACME", "quantity": 1, "unit_price": 300,
                                           "reason": "r", "department": "it"}, RITA)
    [task] = eng.get(inst.id).tasks
    assert task.due_at == now[0] + timedelta(days=2)

    assert escalate(eng, store, now[0] + timedelta(days=1)).overdue == 0
    first = escalate(eng, store, task.due_at + timedelta(hours=1))
    assert (first.overdue, first.reminded, first.reassigned) == (1, 1, 0)
    again = escalate(eng, store, task.due_at + timedelta(hours=2))
    assert (again.reminded, again.reassigned) == (0, 0)
    late = escalate(eng, store, task.due_at + timedelta(hours=8))
    assert late.reassigned == 1
    view = eng.get(inst.id)
    assert view.tasks[0].assignee == "dora"
    steps = [(e.kind, e.actor, e.detail.get("to")) for e in view.history if e.kind.startswith("task_re")]
    assert steps == [("task_reminded", "system", None), ("task_reassigned", "system", "dora")]
    assert escalate(eng, store, task.due_at + timedelta(hours=9)).reassigned == 0
    assert eng.complete(task.id, DORA, {"decision": "approve"}).status == "completed"
