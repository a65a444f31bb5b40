"""Customers and their credit limits: an order beyond the limit needs the sales manager."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base

from ..importing import ImportReport, RowRejected, choice, import_rows, number, text

SEGMENTS = ("enterprise", "sme", "retail", "government")


class Customer(Base):
    __tablename__ = "sales_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    segment: Mapped[str] = mapped_column(String(20), default="sme", index=True)
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    credit_limit: Mapped[float] = mapped_column(Numeric(16, 2), default=0)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)


def parse_customer(values: dict[str, Any]) -> dict[str, Any]:
    reasons: list[str] = []
    row = {
        "code": text(values, "code", reasons, max_length=30),
        "name": text(values, "name", reasons),
        "segment": choice(values, "segment", SEGMENTS, reasons, default="sme"),
        "contact": text(values, "contact", reasons, required=False, max_length=100),
        "phone": text(values, "phone", reasons, required=False, max_length=50),
        "city": text(values, "city", reasons, required=False, max_length=100),
        "credit_limit": number(values, "credit_limit", reasons, minimum=0),
        "status": choice(values, "status", ("active", "blocked"), reasons, default="active"),
    }
    if reasons:
        raise RowRejected(reasons)
    return row


def import_customers(session: Session, rows: list[dict[str, Any]], mode: str = "all_or_nothing") -> ImportReport:
    return import_rows(session, Customer, "code", rows, parse_customer, mode)
