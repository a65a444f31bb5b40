"""Escalation: a task open past its due time is reminded, then reassigned to its group's manager.

Both steps are events in the instance's log written through the engine (`record`,
`reassign`) as the actor "system", and each is written at most once per task: a second
scheduler racing to do the same conflicts on the instance version and does nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import Conflict, Forbidden, HumanTask, WorkflowEngine, has_event, reassign, record

from .models import EscalationPolicy
from .store import RuleStore

MAX_HOURS = 24 * 365  # a longer wait is no escalation, and timedelta(hours=...) overflows past 10**8 days

@dataclass
class EscalationReport:
    overdue: int = 0
    reminded: int = 0
    reassigned: int = 0
    kept: int = 0  # due for reassignment, but the manager may not decide it (separation of duties)


def set_policy(store: RuleStore, group: str, manager: str, reassign_after_hours: int, actor: str) -> None:
    if not group.strip() or not manager.strip():
        raise ValueError("candidate_group and manager: required")
    if not 0 <= reassign_after_hours <= MAX_HOURS:
        raise ValueError(f"reassign_after_hours: must be from 0 to {MAX_HOURS} (a year)")
    with store.session() as s:
        policy = s.scalar(select(EscalationPolicy).where(EscalationPolicy.candidate_group == group))
        if policy is None:
            policy = EscalationPolicy(candidate_group=group)
            s.add(policy)
        policy.manager, policy.reassign_after_hours = manager, reassign_after_hours
        policy.updated_by, policy.updated_at = actor, store.clock()


def policies(store: RuleStore) -> list[EscalationPolicy]:
    with store.session() as s:
        return list(s.scalars(select(EscalationPolicy).order_by(EscalationPolicy.candidate_group)))


def escalate(engine: WorkflowEngine, store: RuleStore, now: datetime) -> EscalationReport:
    report = EscalationReport()
    by_group = {p.candidate_group: p for p in policies(store)}
    with engine.read() as session:
        overdue = list(session.scalars(select(HumanTask).where(
            HumanTask.status == "open", HumanTask.due_at < now).order_by(HumanTask.due_at)))
    for row in overdue:
        report.overdue += 1
        due = row.due_at.isoformat(timespec="minutes")
        try:
            # read first: most polls find the reminder already written and need no write transaction
            if not has_event(engine, row.instance_id, "task_reminded", row.id, due_at=due) and record(
                    engine, row.instance_id, "task_reminded", "system", task_id=row.id, task_name=row.task_name,
                    once_per=("due_at",), due_at=due, assignee=row.assignee, candidate_group=row.candidate_group):
                report.reminded += 1
            policy = by_group.get(row.candidate_group or "")
            if policy is None or row.assignee == policy.manager:
                continue
            if now >= row.due_at + timedelta(hours=policy.reassign_after_hours):
                reassign(engine, row.id, policy.manager, "system", reason="overdue", due_at=due,
                         policy=policy.candidate_group)
                report.reassigned += 1
        except Conflict:  # the task moved on, or another scheduler got there first
            continue
        except Forbidden:  # the manager requested it, or decided an earlier step: the task stays where it is
            report.kept += 1
    return report
