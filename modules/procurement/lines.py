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

from ..importing import Reason

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


class LineRejected(ValueError):
    """A line refused: the message names the line's number; `reason` carries its code for the reader's language."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


COLUMNS = ("item", "quantity", "unit_price")


def _text(number: int, row: Mapping[str, Any], name: str, limit: int) -> str:
    value = "" if row.get(name) is None else str(row[name]).strip()
    if len(value) > limit:
        raise LineRejected(Reason("line_too_long", name, line=number, max_length=limit))
    return value


def _line(number: int, row: Mapping[str, Any]) -> Line:
    item = _text(number, row, "item", 200)
    if not item:
        raise LineRejected(Reason("line_required", "item", line=number))
    quantity, price = row.get("quantity"), row.get("unit_price")
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or quantity <= 0 \
            or quantity != int(quantity):
        raise LineRejected(Reason("line_not_positive_whole", "quantity", line=number, value=quantity))
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price <= 0:
        raise LineRejected(Reason("line_not_positive", "unit_price", line=number, value=price))
    return Line(number, item, int(quantity), round(float(price), 2), item_code=_text(number, row, "item_code", 30),
                unit=_text(number, row, "unit", 20))


def parse_lines(rows: Sequence[Mapping[str, Any]]) -> list[Line]:
    """Lines numbered from 1; a bad one is refused naming its number and what is wrong."""
    if not rows:
        raise LineRejected(Reason("no_lines"))
    lines: list[Line] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise LineRejected(Reason("line_not_line", line=number, columns=COLUMNS))
        lines.append(_line(number, row))
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
