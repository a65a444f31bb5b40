"""Training records: the courses an employee is planned for or has finished.

The hiring flow's training plan becomes planned records for the new hire;
HR keeps the rest (finished courses with their score or certificate).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Numeric, String, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, Conflict, NotFound, ServiceCall, validate_form

from .employee import Employee

TRAINING_STATUSES = ("planned", "completed")
MAX_COURSES = 20


class TrainingRecord(Base):
    __tablename__ = "hr_training_records"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", "course", name="uq_training_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(30), index=True)
    employee_name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(30), index=True)
    course: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    hours: Mapped[float] = mapped_column(Numeric(6, 1))
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    score: Mapped[float | None] = mapped_column(Numeric(5, 1), nullable=True)
    certificate: Mapped[str] = mapped_column(String(100), default="")
    # set when a flow step planned the course; empty for records HR entered
    instance_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    task_name: Mapped[str | None] = mapped_column(String(200), nullable=True)


@dataclass(frozen=True)
class PlanTraining:
    employee_number: str
    courses: str  # one course per line, as the training plan form takes them
    starts_on: str
    days: int
    hours: float
    provider: str = ""


def course_lines(text: str) -> list[str]:
    """The distinct, non-empty lines of the plan, in the order written."""
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        if line.strip():
            seen.setdefault(line.strip()[:200], None)
    return list(seen)


def plan_training(call: ServiceCall, req: PlanTraining) -> dict[str, Any]:
    """One planned record per course for the new employee; a retried step returns the same records."""
    made = list(call.session.scalars(select(TrainingRecord).where(
        TrainingRecord.instance_id == call.instance_id, TrainingRecord.task_name == call.task_name)
        .order_by(TrainingRecord.id)))
    if not made:
        made = _plan(call, req)
    return {"count": len(made), "ids": [r.id for r in made]}


def _plan(call: ServiceCall, req: PlanTraining) -> list[TrainingRecord]:
    employee = call.session.scalar(select(Employee).where(Employee.number == req.employee_number))
    if employee is None:
        raise ValueError(f"employee_number: no employee {req.employee_number!r}")
    courses = course_lines(req.courses)
    if not courses:
        raise ValueError("courses: the training plan names no course")
    if len(courses) > MAX_COURSES:
        raise ValueError(f"courses: at most {MAX_COURSES} courses in one plan")
    if not 1 <= int(req.days) <= 366 or not 0 < float(req.hours) <= 1000:
        raise ValueError("days must be 1–366 and hours 0–1000")
    starts_on = date.fromisoformat(req.starts_on)
    ends_on = starts_on + timedelta(days=int(req.days) - 1)
    made = [TrainingRecord(employee_number=employee.number, employee_name=employee.name,
                           department=employee.department, course=course, provider=req.provider.strip(),
                           starts_on=starts_on, ends_on=ends_on, hours=float(req.hours), status="planned",
                           instance_id=call.instance_id, task_name=call.task_name)
            for course in courses]
    call.session.add_all(made)
    call.session.flush()
    return made


COMPLETION_FORM = {"fields": [
    {"name": "score", "type": "number", "min": 0, "max": 100,
     "label": {"en": "Score (0–100)", "zh_CN": "成绩（0–100）"}},
    {"name": "certificate", "type": "string", "max_length": 100,
     "label": {"en": "Certificate number", "zh_CN": "证书编号"}},
]}


def complete_training(session: Session, record_id: int, data: dict[str, Any]) -> TrainingRecord:
    """Record a planned course as finished, with its score and certificate if there are any.

    Only a planned course can be completed: a second submission (two HR clerks, a
    resent form) is refused instead of overwriting the first result.
    """
    values = validate_form(COMPLETION_FORM, data)
    done = session.execute(
        update(TrainingRecord).where(TrainingRecord.id == record_id, TrainingRecord.status == "planned")
        .values(status="completed", score=values.get("score"),
                certificate=(values.get("certificate") or "").strip()))
    record = session.get(TrainingRecord, record_id, populate_existing=True)
    if record is None:
        raise NotFound(f"no training record {record_id}")
    if done.rowcount != 1:  # the guarded update, not a read before it, decides who completed it
        raise Conflict(f"training record {record_id} is already {record.status}")
    return record
