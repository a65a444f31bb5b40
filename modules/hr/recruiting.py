"""Positions, candidates and interviews: what the hiring flow leaves in hr besides the new employee.

A position opens when its requisition is approved and is filled when the
hire becomes an employee; each candidate keeps the interviews held with them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, ServiceCall

from .department import Department


class Position(Base):
    __tablename__ = "hr_positions"
    __table_args__ = (UniqueConstraint("instance_id", name="uq_position_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(30), index=True)
    salary_max: Mapped[float] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open, filled, closed
    instance_id: Mapped[int] = mapped_column(index=True)
    opened_at: Mapped[datetime]


class Candidate(Base):
    __tablename__ = "hr_candidates"
    __table_args__ = (UniqueConstraint("instance_id", "attempt", name="uq_candidate_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    position_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="interviewing", index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    instance_id: Mapped[int] = mapped_column(index=True)


class Interview(Base):
    __tablename__ = "hr_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(index=True)
    interviewer: Mapped[str] = mapped_column(String(100))
    recommendation: Mapped[str] = mapped_column(String(20))


@dataclass(frozen=True)
class OpenPosition:
    title: str
    department: str
    salary_max: float


def position_problems(session: Session, data: dict[str, Any]) -> dict[str, str]:
    """A position is opened for a department of the company: its managers approve it (`<code>-managers`)."""
    code = str(data.get("department") or "").strip()
    if session.scalar(select(Department.id).where(Department.code == code)) is None:
        return {"department": f"no department {code!r}"}
    return {}


def open_position(call: ServiceCall, req: OpenPosition) -> dict[str, Any]:
    """One position per hiring instance; a retry returns it."""
    pos = call.session.scalar(select(Position).where(Position.instance_id == call.instance_id))
    if pos is None:
        pos = Position(title=req.title, department=req.department, salary_max=req.salary_max,
                       instance_id=call.instance_id, opened_at=call.now)
        call.session.add(pos)
        call.session.flush()
    return {"id": pos.id, "status": pos.status}


@dataclass(frozen=True)
class RecordInterviews:
    candidate_name: str
    candidate_email: str
    votes: dict  # {interviewer username: "hire" | "no_hire"}
    recommended: bool


def record_interviews(call: ServiceCall, req: RecordInterviews) -> dict[str, Any]:
    """The candidate and one interview row per interviewer, written once per instance."""
    if not req.votes or not all(isinstance(v, str) for v in req.votes.values()):
        raise ValueError("votes must map each interviewer to a recommendation")
    pos = call.session.scalar(select(Position).where(Position.instance_id == call.instance_id))
    if pos is None:
        raise ValueError("no open position for this hiring")
    cand = call.session.scalar(select(Candidate).where(Candidate.instance_id == call.instance_id))
    if cand is None:
        cand = Candidate(name=req.candidate_name, email=req.candidate_email, position_id=pos.id,
                         status="recommended" if req.recommended else "declined", instance_id=call.instance_id)
        call.session.add(cand)
        call.session.flush()
        call.session.add_all([Interview(candidate_id=cand.id, interviewer=str(who), recommendation=vote)
                              for who, vote in sorted(req.votes.items())])
        call.session.flush()
    return {"candidate_id": cand.id, "status": cand.status}


def fill_position(call: ServiceCall, employee_number: str) -> None:
    """Called by create_employee: the hiring's position is filled and its candidate hired."""
    pos = call.session.scalar(select(Position).where(Position.instance_id == call.instance_id))
    if pos is not None:
        pos.status = "filled"
    cand = call.session.scalar(select(Candidate).where(Candidate.instance_id == call.instance_id))
    if cand is not None:
        cand.status = "hired"
