"""Performance reviews: one per employee and half-year, rated 1–5.

The `performance_review` flow opens the review (self assessment, then the
reviewer, then HR calibration) and records the settled rating at the end.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, Encrypted, ServiceCall

from .employee import Employee

REVIEW_STATUSES = ("in_review", "completed")
RATINGS = ("1", "2", "3", "4", "5")
PERIOD = re.compile(r"^(19|20)\d\d-H[12]$")  # a half-year: 2026-H1


class PerformanceReview(Base):
    __tablename__ = "hr_performance_reviews"
    __table_args__ = (UniqueConstraint("employee_number", "period", name="uq_review_employee_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(30), index=True)
    employee_name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(30), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    reviewer: Mapped[str] = mapped_column(String(100))  # a username
    goals: Mapped[str] = mapped_column(Text, default="")
    # what the employee, the reviewer and HR wrote: kept encrypted at rest
    self_assessment: Mapped[str] = mapped_column(Encrypted(str), default="")
    self_rating: Mapped[int | None] = mapped_column(nullable=True)
    rating: Mapped[int | None] = mapped_column(nullable=True, index=True)
    comments: Mapped[str] = mapped_column(Encrypted(str), default="")
    calibration_note: Mapped[str] = mapped_column(Encrypted(str), default="")
    status: Mapped[str] = mapped_column(String(20), default="in_review", index=True)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    instance_id: Mapped[int | None] = mapped_column(nullable=True, unique=True)


@dataclass(frozen=True)
class OpenReview:
    employee_number: str
    period: str
    reviewer: str
    goals: str = ""


def open_review(call: ServiceCall, req: OpenReview) -> dict[str, Any]:
    """The review this flow is about, once per instance; who is reviewed decides who assesses themselves."""
    review = call.session.scalar(select(PerformanceReview).where(PerformanceReview.instance_id == call.instance_id))
    if review is None:
        review = _new_review(call, req)
    username = call.session.scalar(select(Employee.username).where(Employee.number == review.employee_number))
    return {"id": review.id, "employee_name": review.employee_name, "department": review.department,
            "username": username or ""}


def review_problems(session: Session, data: dict[str, Any]) -> dict[str, str]:
    """What is wrong with opening a review for this data (a start check and the step's own guard)."""
    number = str(data.get("employee_number") or "").strip()
    employee = session.scalar(select(Employee).where(Employee.number == number))
    if employee is None or employee.status == "left":
        return {"employee_number": f"no current employee {number!r}"}
    period = str(data.get("period") or "")
    problems = {}
    if not PERIOD.match(period):
        problems["period"] = f"{period!r} is not a half-year such as 2026-H1"
    elif session.scalar(select(PerformanceReview.id).where(PerformanceReview.employee_number == employee.number,
                                                            PerformanceReview.period == period)) is not None:
        problems["period"] = f"{employee.number} already has a review for {period}"
    if str(data.get("reviewer") or "").strip() in ("", employee.username):
        problems["reviewer"] = "name someone other than the employee"
    return problems


def _new_review(call: ServiceCall, req: OpenReview) -> PerformanceReview:
    if problems := review_problems(call.session, dataclasses.asdict(req)):
        raise ValueError("; ".join(f"{name}: {message}" for name, message in problems.items()))
    employee = call.session.scalar(select(Employee).where(Employee.number == req.employee_number.strip()))
    review = PerformanceReview(employee_number=employee.number, employee_name=employee.name,
                               department=employee.department, period=req.period, reviewer=req.reviewer.strip(),
                               goals=req.goals, status="in_review", instance_id=call.instance_id)
    call.session.add(review)
    call.session.flush()
    return review


@dataclass(frozen=True)
class RecordReview:
    rating: str
    comments: str
    self_assessment: str = ""
    self_rating: str = ""
    calibration_note: str = ""


def record_review(call: ServiceCall, req: RecordReview) -> dict[str, Any]:
    """Write the settled rating; running it again writes the same values, so a retry changes nothing."""
    review = call.session.scalar(select(PerformanceReview).where(PerformanceReview.instance_id == call.instance_id))
    if review is None:
        raise ValueError("no review was opened for this instance")
    if str(req.rating) not in RATINGS or (req.self_rating and str(req.self_rating) not in RATINGS):
        raise ValueError("rating: must be 1 to 5")
    review.rating = int(req.rating)
    review.self_rating = int(req.self_rating) if req.self_rating else None
    review.comments, review.self_assessment, review.calibration_note = \
        req.comments, req.self_assessment, req.calibration_note
    if review.status != "completed":
        review.status, review.completed_at = "completed", call.now
    call.session.flush()
    return {"id": review.id, "rating": review.rating}
