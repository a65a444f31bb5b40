"""Probation: an employee is on probation for `probation_months` after `hired_on`.

The rules ask it as the fact `requester_on_probation` ("a requester in a probation
period is never approved automatically"). The requester is a username; an employee
is found by it. When nobody has that username, or their hiring date is unknown, the
fact is None: the rules then say the fact is not available rather than guess.
"""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import select

from engine import WorkflowEngine
from rules import FactContext, FactProviders

from .employee import Employee


def probation_ends(hired_on: date, months: int) -> date:
    """The first day after probation: the same day of the month `months` later (or that month's last)."""
    month = hired_on.month - 1 + months
    year, month = hired_on.year + month // 12, month % 12 + 1
    return hired_on.replace(year=year, month=month, day=min(hired_on.day, calendar.monthrange(year, month)[1]))


def on_probation(employee: Employee, today: date) -> bool | None:
    if employee.hired_on is None:
        return None
    return today < probation_ends(employee.hired_on, employee.probation_months)


def register_facts(facts: FactProviders, engine: WorkflowEngine) -> None:
    def requester_on_probation(ctx: FactContext) -> bool | None:
        if not ctx.requester:
            return None
        with engine.read() as session:
            employee = session.scalar(select(Employee).where(Employee.username == ctx.requester,
                                                             Employee.status != "left").limit(1))
            return None if employee is None else on_probation(employee, engine.clock().date())

    facts.register("requester_on_probation", requester_on_probation)
