"""The lines of a sales order as they arrive: a list from a page or a system, or that list as JSON text.

The start form of order_handling carries the lines as JSON text (forms have
no repeating rows yet); the order page and `create_sales_order` read them
here, so both refuse the same bad line with the same words.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import InvalidData, validate_form
from modules.inventory import Item

from ..importing import Reason

MAX_LINES = 50
# one line, checked the way the engine checks a form, so the page words its errors like any other field's
LINE_FORM = {"fields": [
    {"name": "item_code", "type": "string", "required": True, "max_length": 30},
    {"name": "quantity", "type": "integer", "required": True, "min": 1, "max": 1_000_000},
    {"name": "unit_price", "type": "number", "required": True, "min": 0.01, "max": 100_000_000},
]}
LINE_FIELDS = tuple(f["name"] for f in LINE_FORM["fields"])


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


def _decode(raw: Any) -> list[Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            raise LinesRejected({"lines": Reason("not_json_lines")}) from None
    if not isinstance(raw, list) or not raw:
        raise LinesRejected({"lines": Reason("no_lines")})
    if len(raw) > MAX_LINES:
        raise LinesRejected({"lines": Reason("too_many_lines", limit=MAX_LINES)})
    return raw


def _line(number: int, entry: Any, errors: dict[str, str]) -> OrderLine | None:
    if not isinstance(entry, dict):
        errors[f"{number}.item_code"] = Reason("not_line", columns=LINE_FIELDS)
        return None
    try:
        values = validate_form(LINE_FORM, entry)
    except InvalidData as exc:
        errors.update({f"{number}.{name}": reason for name, reason in exc.errors.items()})
        return None
    return OrderLine(values["item_code"], values["quantity"], round(values["unit_price"], 2))


def parse_lines(session: Session, raw: Any) -> list[OrderLine]:
    """Each line's item must exist and be active, its quantity whole and its price positive; all errors at once."""
    entries = _decode(raw)
    errors: dict[str, str] = {}
    lines = [_line(number, entry, errors) for number, entry in enumerate(entries, start=1)]
    codes = {n: str(e.get("item_code") or "").strip() for n, e in enumerate(entries, start=1) if isinstance(e, dict)}
    status = dict(session.execute(select(Item.code, Item.status).where(Item.code.in_(set(codes.values())))).all())
    for number, code in codes.items():
        if code and code not in status:
            errors[f"{number}.item_code"] = Reason("no_item", value=code)
        elif code and status[code] != "active":
            errors[f"{number}.item_code"] = Reason("item_status", value=code, status=status[code])
    if errors:
        raise LinesRejected(dict(sorted(errors.items(), key=lambda e: _order(e[0]))))
    return [line for line in lines if line is not None]


def _order(key: str) -> tuple[int, int]:
    """Errors in line order, then field order, whatever order they were found in."""
    if key == "lines":
        return (0, 0)
    line, field = key.split(".")
    return (int(line), LINE_FIELDS.index(field))
