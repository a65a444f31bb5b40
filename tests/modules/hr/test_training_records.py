"""hr.plan_training: the training plan becomes planned records for the new employee, once per step."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import Conflict, InvalidData, NotFound, ServiceCall
from modules.hr import Department, Employee, TrainingRecord
from modules.hr.training import PlanTraining, complete_training, plan_training

PLAN = PlanTraining(employee_number="E2600001", starts_on="2026-12-01", days=3, hours=8, provider="HR academy",
                    courses="Company induction\n\n Information security \nCompany induction")


@pytest.fixture
def session(db: Engine):
    with Session(db) as session, session.begin():
        session.add_all([Department(code="IT", name="IT"),
                         Employee(number="E2600001", name="林晓", department="IT", position="Backend developer")])
    with Session(db) as session:
        yield session


def _call(session: Session, task: str = "Task_plan_training") -> ServiceCall:
    return ServiceCall(session=session, instance_id=7, task_name=task, actor="system", process_key="hiring")


def test_each_course_of_the_plan_is_one_planned_record_written_once(session: Session) -> None:
    first = plan_training(_call(session), PLAN)
    assert plan_training(_call(session), PLAN) == first, "a retried step returns what it planned before"
    rows = list(session.scalars(select(TrainingRecord).order_by(TrainingRecord.id)))
    assert [(r.course, r.status, r.provider) for r in rows] == [
        ("Company induction", "planned", "HR academy"), ("Information security", "planned", "HR academy")]
    assert {(r.employee_number, r.employee_name, r.department, r.starts_on, r.ends_on, float(r.hours))
            for r in rows} == {("E2600001", "林晓", "IT", date(2026, 12, 1), date(2026, 12, 3), 8.0)}
    assert first == {"count": 2, "ids": [r.id for r in rows]}


@pytest.mark.parametrize(("change", "message"), [
    ({"employee_number": "E404"}, "no employee"),
    ({"courses": " \n "}, "names no course"),
    ({"courses": "\n".join(f"course {n}" for n in range(21))}, "at most 20"),
    ({"days": 0}, "days must be"),
])
def test_a_bad_plan_is_refused_and_writes_nothing(session: Session, change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_training(_call(session), PlanTraining(**{**PLAN.__dict__, **change}))
    assert session.scalars(select(TrainingRecord)).all() == []


def test_a_planned_course_is_recorded_finished_once(session: Session, db: Engine) -> None:
    [first, _] = plan_training(_call(session), PLAN)["ids"]
    session.commit()
    done = complete_training(session, first, {"score": "92.5", "certificate": " SEC-2026-118 "})
    session.commit()
    assert (done.status, float(done.score), done.certificate) == ("completed", 92.5, "SEC-2026-118")
    with pytest.raises(Conflict, match="already completed"):
        complete_training(session, first, {"score": "60"})
    session.rollback()
    with Session(db) as fresh:
        assert float(fresh.get(TrainingRecord, first).score) == 92.5, "a second submission changes nothing"


@pytest.mark.parametrize(("data", "field"), [({"score": "101"}, "score"), ({"score": "many"}, "score"),
                                             ({"certificate": "x" * 101}, "certificate")])
def test_a_bad_result_is_refused_naming_the_field(session: Session, data: dict, field: str) -> None:
    [first, _] = plan_training(_call(session), PLAN)["ids"]
    with pytest.raises(InvalidData) as refused:
        complete_training(session, first, data)
    assert list(refused.value.errors) == [field]
    assert session.get(TrainingRecord, first).status == "planned"


def test_an_unknown_record_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        complete_training(session, 404, {})
