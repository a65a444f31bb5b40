"""Employees: who works where, in which position."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, ServiceCall

from ..importing import ImportReport, Reason, RowRejected, choice, import_rows, text
from .department import Department
from .recruiting import fill_position

STATUSES = ("active", "on_leave", "left")


class Employee(Base):
    __tablename__ = "hr_employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    department: Mapped[str] = mapped_column(String(30), index=True)
    position: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str] = mapped_column(String(100), default="")
    hired_on: Mapped[date | None] = mapped_column(nullable=True)
    probation_months: Mapped[int] = mapped_column(default=6)  # see probation.py
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)


def employee_parser(session: Session) -> Any:
    """A row parser that also checks the department exists (read once per import)."""
    departments = set(session.scalars(select(Department.code)))

    def parse(values: dict[str, Any]) -> dict[str, Any]:
        reasons: list[str] = []
        row: dict[str, Any] = {
            "number": text(values, "number", reasons, max_length=30),
            "name": text(values, "name", reasons, max_length=100),
            "department": text(values, "department", reasons, max_length=30),
            "position": text(values, "position", reasons, required=False, max_length=100),
            "email": text(values, "email", reasons, required=False),
            "username": text(values, "username", reasons, required=False, max_length=100),
            "status": choice(values, "status", STATUSES, reasons, default="active"),
        }
        if row["department"] and row["department"] not in departments:
            reasons.append(Reason("no_department", "department", value=row["department"]))
        if row["email"] and "@" not in row["email"]:
            reasons.append(Reason("not_email", "email", value=row["email"]))
        row["hired_on"] = _date(values.get("hired_on"), reasons)
        if reasons:
            raise RowRejected(reasons)
        return row

    return parse


def _date(raw: Any, reasons: list[str]) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw if not hasattr(raw, "date") else raw.date()
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        reasons.append(Reason("not_date", "hired_on", value=raw))
        return None


def import_employees(session: Session, rows: list[dict[str, Any]], mode: str = "all_or_nothing") -> ImportReport:
    return import_rows(session, Employee, "number", rows, employee_parser(session), mode)


class Hire(Base):
    """Which hiring instance created which employee: the key that makes `hr.create_employee` idempotent."""

    __tablename__ = "hr_hires"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_hire_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(30))
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True)
class CreateEmployee:
    name: str
    department: str
    position: str
    email: str = ""
    hired_on: str = ""


def create_employee(call: ServiceCall, req: CreateEmployee) -> dict[str, Any]:
    """The hired candidate becomes an employee, once per (instance, task)."""
    hire = call.session.scalar(select(Hire).where(Hire.instance_id == call.instance_id,
                                                  Hire.task_name == call.task_name))
    if hire is not None:
        return {"number": hire.employee_number}
    if call.session.scalar(select(Department.id).where(Department.code == req.department)) is None:
        raise ValueError(f"no department {req.department}")
    reasons: list[str] = []
    hired_on = _date(req.hired_on, reasons)
    if reasons:
        raise ValueError("; ".join(reasons))
    number = f"E{call.now:%y}{call.instance_id:05d}"
    call.session.add(Employee(number=number, name=req.name, department=req.department, position=req.position,
                              email=req.email, hired_on=hired_on, status="active"))
    call.session.add(Hire(employee_number=number, instance_id=call.instance_id, task_name=call.task_name))
    fill_position(call, number)
    call.session.flush()
    return {"number": number}
