"""Items and their stock per warehouse: the master data sales and production share."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Numeric, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import Base

from ..importing import ImportReport, RowRejected, choice, import_rows, number, text

UNITS = ("pcs", "box", "kg", "m", "set")
WAREHOUSES = ("SH-01", "SZ-01")


class Item(Base):
    __tablename__ = "inventory_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(50), default="", index=True)
    unit: Mapped[str] = mapped_column(String(10), default="pcs")
    unit_cost: Mapped[float] = mapped_column(Numeric(14, 2), default=0)
    preferred_supplier: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)


class Stock(Base):
    """On hand and reserved per (item, warehouse); available = on hand − reserved."""

    __tablename__ = "inventory_stock"
    __table_args__ = (UniqueConstraint("item_code", "warehouse", name="uq_stock_item_warehouse"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(30), index=True)
    warehouse: Mapped[str] = mapped_column(String(20), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_of(session: Session, item_code: str, warehouse: str) -> Stock:
    """The stock row, created empty the first time an item is seen in a warehouse."""
    row = session.scalar(select(Stock).where(Stock.item_code == item_code, Stock.warehouse == warehouse))
    if row is None:
        row = Stock(item_code=item_code, warehouse=warehouse, on_hand=0, reserved=0)
        session.add(row)
        session.flush()
    return row


def total_on_hand(session: Session, item_code: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Stock.on_hand), 0))
                              .where(Stock.item_code == item_code)) or 0)


def parse_item(values: dict[str, Any]) -> dict[str, Any]:
    reasons: list[str] = []
    row = {
        "code": text(values, "code", reasons, max_length=30),
        "name": text(values, "name", reasons),
        "category": text(values, "category", reasons, required=False, max_length=50),
        "unit": choice(values, "unit", UNITS, reasons, default="pcs"),
        "unit_cost": number(values, "unit_cost", reasons, minimum=0, default=0),
        "preferred_supplier": text(values, "preferred_supplier", reasons, required=False),
        "status": choice(values, "status", ("active", "inactive"), reasons, default="active"),
    }
    if reasons:
        raise RowRejected(reasons)
    return row


def import_items(session: Session, rows: list[dict[str, Any]], mode: str = "all_or_nothing") -> ImportReport:
    return import_rows(session, Item, "code", rows, parse_item, mode)
