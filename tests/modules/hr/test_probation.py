"""Probation: months after the hiring date; the fact `requester_on_probation` the rules ask for."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import WorkflowEngine
from modules.hr import Employee, register_facts
from modules.hr.probation import probation_ends
from rules import MISSING, FactContext, FactProviders

TODAY = datetime(2030, 6, 10, 8, 0)


@pytest.mark.parametrize(("hired_on", "months", "ends"), [
    (date(2030, 3, 15), 6, date(2030, 9, 15)),
    (date(2030, 11, 10), 3, date(2031, 2, 10)),
    (date(2030, 1, 31), 1, date(2030, 2, 28)),   # no 31 February: the month's last day
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2030, 5, 1), 0, date(2030, 5, 1)),     # no probation at all
])
def test_probation_ends_the_same_day_months_later(hired_on: date, months: int, ends: date) -> None:
    assert probation_ends(hired_on, months) == ends


def test_the_fact_maps_the_requester_to_the_employee(db: Engine) -> None:
    with Session(db) as session, session.begin():
        session.add_all([
            Employee(number="E1", name="Nina", department="IT", username="nina", hired_on=date(2030, 4, 1)),
            Employee(number="E2", name="Olga", department="IT", username="olga", hired_on=date(2029, 6, 1)),
            Employee(number="E3", name="Pete", department="IT", username="pete", hired_on=date(2030, 4, 1),
                     probation_months=2),
            Employee(number="E4", name="Quinn", department="IT", username="quinn", hired_on=None),
            Employee(number="E5", name="Rose", department="IT", username="rose", hired_on=date(2030, 4, 1),
                     status="left"),
        ])
    facts = FactProviders()
    register_facts(facts, WorkflowEngine(db, clock=lambda: TODAY))
    assert "requester_on_probation" in facts.names()

    def fact(requester: str) -> object:
        return facts.lookup(FactContext("purchase_approval", "Task_manager_approval", 1, requester))(
            "requester_on_probation")

    assert (fact("nina"), fact("olga"), fact("pete")) == (True, False, False)
    # nobody by that name, no hiring date, gone: the rules hear "not available", never a guess
    assert fact("zed") is fact("quinn") is fact("rose") is fact("") is MISSING
