"""Departments: the unit budgets, managers' queues (`<code>-managers`) and employees hang on."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base


class Department(Base):
    __tablename__ = "hr_departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)  # as on user accounts: "IT", "Finance"
    name: Mapped[str] = mapped_column(String(200))
    manager: Mapped[str] = mapped_column(String(100), default="")  # a username
    cost_center: Mapped[str] = mapped_column(String(30), default="")
