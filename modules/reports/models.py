"""A built monthly operations report: the workbook itself, kept as a row so any web worker can hand it out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base


class StoredReport(Base):
    """One report of one month; `queued` until its job (or its flow step) has built the workbook."""

    __tablename__ = "stored_reports"
    __table_args__ = (Index("ix_stored_reports_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, the month it reports on
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | done
    requested_by: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the flow that built it
    task_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the job asked for from the Reports page
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
