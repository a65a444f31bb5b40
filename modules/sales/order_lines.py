"""The lines of a sales order as they arrive: a list from a page or a system, or that list as JSON text.

The start form of order_handling carries the lines as JSON text (forms have
no repeating rows yet); the order page and `create_sales_order` read them
here, so both refuse the same bad line with the same words.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from modules.inventory import Item

MAX_LINES = 50
LINE_FIELDS = ("item_code", "quantity", "unit_price")


@dataclass(frozen=True)
class OrderLine:
    item_code: str
    quantity: int
    unit_price: float

    @property
    def amount(self) -> float:
        return round(self.quantity * self.unit_price, 2)


class LinesRejected(ValueError):
    """What is wrong, per line and field: `errors` maps "2.quantity" (or "lines") to the reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(_where(key) + reason for key, reason in errors.items()))


def _where(key: str) -> str:
    if key == "lines":
        return "lines: "
    line, field = key.split(".")
    return f"line {line} {field}: "


def _quantity(raw: Any) -> int:
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit())):
        raise ValueError("must be a whole number")
    value = int(raw)
    if not 1 <= value <= 1_000_000:
        raise ValueError("must be between 1 and 1000000")
    return value


def _price(raw: Any) -> float:
    try:
        if isinstance(raw, bool):
            raise TypeError
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError("must be a number") from None
    if not math.isfinite(value) or not 0.01 <= value <= 100_000_000:
        raise ValueError("must be between 0.01 and 100000000")
    return round(value, 2)


def _decode(raw: Any) -> list[Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise LinesRejected({"lines": "must be a JSON list of lines"}) from None
    if not isinstance(raw, list) or not raw:
        raise LinesRejected({"lines": "at least one line is required"})
    if len(raw) > MAX_LINES:
        raise LinesRejected({"lines": f"at most {MAX_LINES} lines"})
    return raw


def parse_lines(session: Session, raw: Any) -> list[OrderLine]:
    """Each line's item must exist and be active, its quantity whole and its price positive; all errors at once."""
    entries = _decode(raw)
    errors: dict[str, str] = {}
    parsed: list[tuple[int, str, int, float]] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            errors[f"{number}.item_code"] = "must be an object with item_code, quantity and unit_price"
            continue
        code = str(entry.get("item_code") or "").strip()
        if not code:
            errors[f"{number}.item_code"] = "is required"
        try:
            quantity = _quantity(entry.get("quantity"))
        except ValueError as exc:
            errors[f"{number}.quantity"] = str(exc)
        try:
            price = _price(entry.get("unit_price"))
        except ValueError as exc:
            errors[f"{number}.unit_price"] = str(exc)
        if not any(key.startswith(f"{number}.") for key in errors):
            parsed.append((number, code, quantity, price))
    status = dict(session.execute(select(Item.code, Item.status).where(Item.code.in_({p[1] for p in parsed}))).all())
    for number, code, _, _ in parsed:
        if code not in status:
            errors[f"{number}.item_code"] = f"no item {code}"
        elif status[code] != "active":
            errors[f"{number}.item_code"] = f"item {code} is {status[code]}"
    if errors:
        raise LinesRejected(errors)
    return [OrderLine(code, quantity, price) for _, code, quantity, price in parsed]
