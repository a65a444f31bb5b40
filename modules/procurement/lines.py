"""Order lines: what a purchase order and a purchase requisition both list, item by item.

A flow hands lines over as plain dicts (a form's "lines" table); a caller that
still sends one item, quantity and unit price gets a single line, so older
flows and other systems keep working.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Numeric, ScalarSelect, String, select
from sqlalchemy.orm import Mapped, mapped_column

SUMMARY_LENGTH = 200


class LineColumns:
    """The columns of one line; mixed into each table that holds lines."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_no: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(30), default="")
    item: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price: Mapped[float] = mapped_column(Numeric(14, 2))
    amount: Mapped[float] = mapped_column(Numeric(16, 2))


def over_lines(value: Any, owner: Any, record_id: Any) -> ScalarSelect[Any]:
    """`value` (a count, a sum) over one record's lines, as a correlated subquery for a column_property."""
    return select(value).where(owner == record_id).correlate_except(owner.class_).scalar_subquery()


@dataclass(frozen=True)
class Line:
    line_no: int
    item: str
    quantity: int
    unit_price: float
    item_code: str = ""
    unit: str = ""

    @property
    def amount(self) -> float:
        return round(self.quantity * self.unit_price, 2)

    def columns(self) -> dict[str, Any]:
        return {"line_no": self.line_no, "item_code": self.item_code, "item": self.item,
                "quantity": self.quantity, "unit": self.unit, "unit_price": self.unit_price, "amount": self.amount}


def _text(row: Mapping[str, Any], name: str, limit: int) -> str:
    value = "" if row.get(name) is None else str(row[name]).strip()
    if len(value) > limit:
        raise ValueError(f"{name} must be at most {limit} characters")
    return value


def _line(number: int, row: Mapping[str, Any]) -> Line:
    item = _text(row, "item", 200)
    if not item:
        raise ValueError("item is required")
    quantity, price = row.get("quantity"), row.get("unit_price")
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or quantity <= 0 \
            or quantity != int(quantity):
        raise ValueError(f"quantity must be a positive whole number, not {quantity!r}")
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price <= 0:
        raise ValueError(f"unit price must be a positive number, not {price!r}")
    return Line(number, item, int(quantity), round(float(price), 2), item_code=_text(row, "item_code", 30),
                unit=_text(row, "unit", 20))


def parse_lines(rows: Sequence[Mapping[str, Any]]) -> list[Line]:
    """Lines numbered from 1; a bad one is refused naming its number and what is wrong."""
    if not rows:
        raise ValueError("at least one line is needed")
    lines: list[Line] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise ValueError(f"line {number}: must be an object with item, quantity and unit price")
        try:
            lines.append(_line(number, row))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    return lines


def lines_or_single(rows: Sequence[Mapping[str, Any]], item: str, quantity: int, unit_price: float,
                    **extra: str) -> list[Line]:
    """The given lines, or the one line a single-item caller describes."""
    if rows:
        return parse_lines(rows)
    return parse_lines([{"item": item, "quantity": quantity, "unit_price": unit_price, **extra}])


def summary(lines: Sequence[Line]) -> str:
    """The items in one searchable text, for lists that show an order per row."""
    text = ", ".join(line.item for line in lines)
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


def total(lines: Sequence[Line]) -> float:
    return round(sum(line.amount for line in lines), 2)
