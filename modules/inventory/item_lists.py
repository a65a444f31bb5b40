"""Several items at once: an order's lines reserved together, goods in for several items, goods out.

Each list is handled once per (instance, task, attempt). Its rows carry their
position in the list as `line`, so a retried step finds every row it wrote and
changes no stock twice.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import ServiceCall

from .item import Item, stock_of
from .stock import Reservation, StockMove


@dataclass(frozen=True)
class ItemList:
    warehouse: str
    items: list  # [{"item_code": str, "quantity": int}, ...]; other keys (an order line's price) are ignored
    reference: str = ""
    attempt: int = 1  # a flow that loops back (reserve again after goods in) passes a new attempt number


@dataclass(frozen=True)
class IssueItems(ItemList):
    reserved: bool = False  # the flow reserved these goods earlier: issuing them uses up its reservation


def _lines(items: Any) -> list[tuple[str, int]]:
    if not isinstance(items, list) or not items:
        raise ValueError("items must be a non-empty list")
    lines: list[tuple[str, int]] = []
    for number, entry in enumerate(items, start=1):
        try:
            code, quantity = str(entry["item_code"]), int(entry["quantity"])
        except (TypeError, KeyError, ValueError):
            raise ValueError(f"line {number}: needs an item_code and a whole quantity") from None
        if quantity <= 0:
            raise ValueError(f"line {number}: quantity must be positive")
        lines.append((code, quantity))
    return lines


def _items(session: Session, lines: list[tuple[str, int]]) -> dict[str, Item]:
    codes = {code for code, _ in lines}
    found = {i.code: i for i in session.scalars(select(Item).where(Item.code.in_(codes)))}
    if codes - set(found):
        raise ValueError("no item " + ", ".join(sorted(codes - set(found))))
    return found


def _done(call: ServiceCall, model: type[Reservation] | type[StockMove], attempt: int) -> list[Any]:
    return list(call.session.scalars(select(model).where(
        model.instance_id == call.instance_id, model.task_name == call.task_name, model.attempt == attempt)
        .order_by(model.line)))


def reserve_items(call: ServiceCall, req: ItemList) -> dict[str, Any]:
    """All lines or none: an order ships complete, so while one line is short the others hold no stock.

    When short, `short` names each missing item with its usual supplier and cost, ready for a purchase request.
    """
    lines = _lines(req.items)
    items = _items(call.session, lines)
    rows = _done(call, Reservation, req.attempt) or _reserve(call, req, lines)
    complete = all(r.status != "short" for r in rows)
    missing = {r.line: r.shortfall for r in rows if r.status == "short"}
    short: dict[str, dict[str, Any]] = {}
    for line, (code, _) in enumerate(lines, start=1):
        if missing.get(line):
            item = items[code]
            entry = short.setdefault(code, {"item_code": code, "item_name": item.name, "shortfall": 0,
                                            "supplier": item.preferred_supplier, "unit_cost": float(item.unit_cost)})
            entry["shortfall"] += missing[line]
    return {"reserved": complete, "short": short,
            "lines": [{"line": line, "item_code": code, "quantity": quantity,
                       "reserved": quantity if complete else 0, "shortfall": missing.get(line, 0)}
                      for line, (code, quantity) in enumerate(lines, start=1)]}


def _reserve(call: ServiceCall, req: ItemList, lines: list[tuple[str, int]]) -> list[Reservation]:
    """Rows for every line when all are covered; otherwise rows only for the short lines, and nothing held."""
    stock = {code: stock_of(call.session, code, req.warehouse) for code, _ in lines}
    left = {code: max(row.available, 0) for code, row in stock.items()}
    shortfalls = []
    for code, quantity in lines:  # an item on two lines: the first line takes what there is first
        taken = min(left[code], quantity)
        left[code] -= taken
        shortfalls.append(quantity - taken)
    complete = not any(shortfalls)
    rows = []
    for line, ((code, quantity), shortfall) in enumerate(zip(lines, shortfalls, strict=True), start=1):
        if complete:
            stock[code].reserved += quantity
        elif not shortfall:
            continue
        rows.append(Reservation(item_code=code, warehouse=req.warehouse, quantity=quantity,
                                status="reserved" if complete else "short", shortfall=shortfall,
                                reference=req.reference, attempt=req.attempt, line=line,
                                instance_id=call.instance_id, task_name=call.task_name, created_at=call.now))
    call.session.add_all(rows)
    call.session.flush()
    return rows


def _moves(call: ServiceCall, req: ItemList, lines: list[tuple[str, int]], kind: str, sign: int) -> list[StockMove]:
    moves = []
    for line, (code, quantity) in enumerate(lines, start=1):
        stock_of(call.session, code, req.warehouse).on_hand += sign * quantity
        moves.append(StockMove(item_code=code, warehouse=req.warehouse, quantity=sign * quantity, kind=kind,
                               reference=req.reference, attempt=req.attempt, line=line,
                               instance_id=call.instance_id, task_name=call.task_name, created_at=call.now))
    call.session.add_all(moves)
    call.session.flush()
    return moves


def receive_items(call: ServiceCall, req: ItemList) -> dict[str, Any]:
    """Goods in for several items (the replenishment of an order's short lines)."""
    lines = _lines(req.items)
    moves = _done(call, StockMove, req.attempt)
    if not moves:
        _items(call.session, lines)
        moves = _moves(call, req, lines, "receipt", +1)
    return {"moves": len(moves), "quantity": sum(m.quantity for m in moves)}


def issue_items(call: ServiceCall, req: IssueItems) -> dict[str, Any]:
    """Several items out, all or nothing: materials to production, or an order's reserved goods to the customer."""
    lines = _lines(req.items)
    moves = _done(call, StockMove, req.attempt)
    if moves:
        return {"moves": len(moves)}
    _items(call.session, lines)
    needed: Counter[str] = Counter()
    for code, quantity in lines:
        needed[code] += quantity
    for code, quantity in needed.items():
        stock = stock_of(call.session, code, req.warehouse)
        have, what = (stock.on_hand, "on hand") if req.reserved else (stock.available, "available")
        if have < quantity:
            raise ValueError(f"only {have} of {code} {what} in {req.warehouse}, {quantity} needed")
    if req.reserved:
        for code, quantity in needed.items():
            stock = stock_of(call.session, code, req.warehouse)
            stock.reserved = max(stock.reserved - quantity, 0)
        call.session.execute(update(Reservation).where(
            Reservation.instance_id == call.instance_id, Reservation.reference == req.reference,
            Reservation.status == "reserved", Reservation.item_code.in_(needed)).values(status="issued"))
    return {"moves": len(_moves(call, req, lines, "issue", -1))}
