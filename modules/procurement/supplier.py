"""Suppliers: who the company buys from, rated 1–5, and only ordered from once active.

A new supplier enters as "pending" through the supplier_onboarding flow and
becomes "active" when the procurement manager approves it, or "rejected".
An onboarding cancelled on the way leaves it "cancelled", never pending; a
rejected or cancelled supplier may be proposed again under the same code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base, Encrypted, ServiceCall, utcnow

from ..importing import ImportReport, Reason, RowRejected, choice, import_rows, number, text

CATEGORIES = ("it", "office", "raw_materials", "logistics", "services", "other")
STATUSES = ("pending", "active", "inactive", "rejected", "cancelled")
PROPOSABLE_AGAIN = ("rejected", "cancelled")


class Supplier(Base):
    __tablename__ = "procurement_suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    rating: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[str] = mapped_column(String(20), index=True, default="pending")
    bank_account: Mapped[str | None] = mapped_column(Encrypted(str), nullable=True)  # kept encrypted at rest
    instance_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def parse_supplier(values: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row → supplier columns, or RowRejected with every reason."""
    reasons: list[str] = []
    row = {
        "code": text(values, "code", reasons, max_length=30),
        "name": text(values, "name", reasons),
        "category": choice(values, "category", CATEGORIES, reasons),
        "contact": text(values, "contact", reasons, required=False, max_length=100),
        "phone": text(values, "phone", reasons, required=False, max_length=50),
        "email": text(values, "email", reasons, required=False),
        "rating": number(values, "rating", reasons, minimum=1, maximum=5, whole=True, default=3),
        "status": choice(values, "status", STATUSES, reasons, default="active"),
        "bank_account": text(values, "bank_account", reasons, required=False, max_length=100) or None,
    }
    if row["email"] and "@" not in row["email"]:
        reasons.append(Reason("not_email", "email", value=row["email"]))
    if reasons:
        raise RowRejected(reasons)
    return row


def import_suppliers(session: Session, rows: list[dict[str, Any]], mode: str = "all_or_nothing") -> ImportReport:
    return import_rows(session, Supplier, "code", rows, parse_supplier, mode)


@dataclass(frozen=True)
class RegisterSupplier:
    code: str
    name: str
    category: str
    contact: str = ""
    phone: str = ""
    email: str = ""
    rating: int = 3
    bank_account: str = ""


@dataclass(frozen=True)
class SetSupplierStatus:
    code: str
    status: str


def register_supplier(call: ServiceCall, req: RegisterSupplier) -> dict[str, Any]:
    """Record the applicant as pending; a retry (or the same instance again) finds the same row."""
    supplier = call.session.scalar(select(Supplier).where(Supplier.code == req.code))
    if supplier is not None and supplier.instance_id == call.instance_id:
        return {"id": supplier.id, "code": supplier.code, "status": supplier.status}
    if supplier is not None and supplier.status not in PROPOSABLE_AGAIN:
        raise ValueError(f"supplier code {req.code} is already taken by {supplier.name}")
    if req.category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
    if supplier is None:
        supplier = Supplier(code=req.code, created_at=call.now)
        call.session.add(supplier)
    supplier.name, supplier.category, supplier.contact = req.name, req.category, req.contact
    supplier.phone, supplier.email, supplier.rating = req.phone, req.email, req.rating
    supplier.bank_account = req.bank_account or None
    supplier.status, supplier.instance_id = "pending", call.instance_id
    call.session.flush()
    return {"id": supplier.id, "code": supplier.code, "status": supplier.status}


def set_supplier_status(call: ServiceCall, req: SetSupplierStatus) -> dict[str, Any]:
    """Setting the same status twice is harmless, so retries are idempotent by nature."""
    if req.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    supplier = call.session.scalar(select(Supplier).where(Supplier.code == req.code))
    if supplier is None:
        raise ValueError(f"no supplier {req.code}")
    supplier.status = req.status
    return {"code": supplier.code, "status": supplier.status}


def withdraw_onboarding(call: ServiceCall, data: dict[str, Any]) -> dict[str, Any] | None:
    """On a cancelled supplier_onboarding: the supplier it registered and left pending becomes "cancelled"."""
    supplier = call.session.scalar(select(Supplier).where(Supplier.instance_id == call.instance_id,
                                                          Supplier.status == "pending"))
    if supplier is None:
        return None
    supplier.status = "cancelled"
    return {"supplier": supplier.code, "status": supplier.status}
