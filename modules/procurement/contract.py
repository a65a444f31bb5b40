"""Framework contracts with suppliers: what a purchase order is bought under.

A contract is active from `valid_from` to `valid_to` (both days included) up to
an amount cap. A purchase order for a supplier names the supplier's active
contract covering the day it is made; the scheduler marks contracts past
their last day as expired.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Numeric, String, bindparam, or_, select, update
from sqlalchemy.orm import Mapped, Session, column_property, mapped_column

from engine import Base, utcnow

from ..importing import ImportReport, Reason, RowRejected, choice, day, import_rows, number, text
from .supplier import Supplier

STATUSES = ("draft", "active", "expired", "terminated")


class Contract(Base):
    __tablename__ = "procurement_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    supplier_code: Mapped[str] = mapped_column(ForeignKey("procurement_suppliers.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    amount_cap: Mapped[float] = mapped_column(Numeric(16, 2))
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supplier_name = column_property(select(Supplier.name).where(Supplier.code == supplier_code)
                                    .correlate_except(Supplier).scalar_subquery())


def covering_contracts(session: Session, supplier: str, on: date, lock: bool = False) -> list[Contract]:
    """The supplier's (named by code or name) active contracts that cover `on`, the latest first.

    `lock`: held until commit (PostgreSQL), so that two orders weighing the same cap queue;
    SQLite's write transactions already do.
    """
    return list(session.scalars(_COVERING_LOCKED if lock else COVERING, {"supplier": supplier, "on": on}))


COVERING = (select(Contract).join(Supplier, Supplier.code == Contract.supplier_code)
             .where(or_(Supplier.code == bindparam("supplier"), Supplier.name == bindparam("supplier")),
                    Contract.status == "active", Contract.valid_from <= bindparam("on", type_=Date()),
                    Contract.valid_to >= bindparam("on", type_=Date()))
             .order_by(Contract.valid_from.desc(), Contract.id.desc()))
# and read afresh: what the contract has committed may have changed since it was last read
_COVERING_LOCKED = COVERING.with_for_update(of=Contract).execution_options(populate_existing=True)


def expire_contracts(session: Session, today: date) -> int:
    """Active contracts whose last day has passed become expired; returns how many."""
    result = session.execute(update(Contract).where(Contract.status == "active", Contract.valid_to < today)
                             .values(status="expired"))
    return result.rowcount or 0


def contract_parser(supplier_codes: set[str]) -> Any:
    """A row parser that knows which suppliers exist, so a contract never names an unknown one."""

    def parse(values: dict[str, Any]) -> dict[str, Any]:
        reasons: list[str] = []
        row = {
            "number": text(values, "number", reasons, max_length=30),
            "supplier_code": text(values, "supplier_code", reasons, max_length=30),
            "title": text(values, "title", reasons),
            "valid_from": day(values, "valid_from", reasons),
            "valid_to": day(values, "valid_to", reasons),
            "amount_cap": number(values, "amount_cap", reasons, minimum=0),
            "status": choice(values, "status", STATUSES, reasons, default="active"),
        }
        if row["supplier_code"] and row["supplier_code"] not in supplier_codes:
            reasons.append(Reason("no_supplier", "supplier_code", value=row["supplier_code"]))
        if row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
            reasons.append(Reason("before", "valid_to", other="valid_from"))
        if reasons:
            raise RowRejected(reasons)
        return row

    return parse


def import_contracts(session: Session, rows: list[dict[str, Any]], mode: str = "all_or_nothing") -> ImportReport:
    codes = set(session.scalars(select(Supplier.code)))
    return import_rows(session, Contract, "number", rows, contract_parser(codes), mode)
