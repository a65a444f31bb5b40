"""Reservations and stock moves: what flows ask of the warehouse.

Every operation is idempotent per (instance, task): a reservation or move
row is keyed on it, so a retried step finds what it already did.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall

from .item import Item, stock_of


class Reservation(Base):
    __tablename__ = "inventory_reservations"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", "attempt", "line", name="uq_reservation_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(30), index=True)
    warehouse: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="reserved")  # reserved, short, issued
    shortfall: Mapped[int] = mapped_column(Integer, default=0)
    reference: Mapped[str] = mapped_column(String(100), default="")
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    line: Mapped[int] = mapped_column(Integer, default=1)  # position in a list of items reserved together
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class StockMove(Base):
    __tablename__ = "inventory_stock_moves"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", "attempt", "line", name="uq_move_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(30), index=True)
    warehouse: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)  # positive in, negative out
    kind: Mapped[str] = mapped_column(String(20))  # receipt, issue, production
    reference: Mapped[str] = mapped_column(String(100), default="")
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    line: Mapped[int] = mapped_column(Integer, default=1)  # position in a list of items moved together
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class ReserveStock:
    item_code: str
    warehouse: str
    quantity: int
    reference: str = ""
    attempt: int = 1  # a flow that loops back to reserve again passes a new attempt number


def reserve_stock(call: ServiceCall, req: ReserveStock) -> dict[str, Any]:
    """Reserve all or nothing; when short, say how many are missing and who usually supplies the item."""
    item = call.session.scalar(select(Item).where(Item.code == req.item_code))
    if item is None:
        raise ValueError(f"no item {req.item_code}")
    if req.quantity <= 0:
        raise ValueError("quantity must be positive")
    done = call.session.scalar(select(Reservation).where(
        Reservation.instance_id == call.instance_id, Reservation.task_name == call.task_name,
        Reservation.attempt == req.attempt))
    stock = stock_of(call.session, req.item_code, req.warehouse)
    if done is None:
        status = "reserved" if stock.available >= req.quantity else "short"
        done = Reservation(item_code=req.item_code, warehouse=req.warehouse, quantity=req.quantity, status=status,
                           shortfall=0 if status == "reserved" else req.quantity - max(stock.available, 0),
                           reference=req.reference, attempt=req.attempt,
                           instance_id=call.instance_id, task_name=call.task_name, created_at=call.now)
        if status == "reserved":
            stock.reserved += req.quantity
        call.session.add(done)
        call.session.flush()
    shortfall = 0 if done.status != "short" else req.quantity - max(stock.available, 0)
    return {"id": done.id, "reserved": done.status != "short", "shortfall": shortfall,
            "available": stock.available, "supplier": item.preferred_supplier, "unit_cost": float(item.unit_cost),
            "item_name": item.name}


@dataclass(frozen=True)
class MoveStock:
    item_code: str
    warehouse: str
    quantity: int
    reference: str = ""
    attempt: int = 1


def _move(call: ServiceCall, req: MoveStock, kind: str, sign: int) -> StockMove:
    move = call.session.scalar(select(StockMove).where(
        StockMove.instance_id == call.instance_id, StockMove.task_name == call.task_name,
        StockMove.attempt == req.attempt))
    if move is not None:
        return move
    if req.quantity <= 0:
        raise ValueError("quantity must be positive")
    if call.session.scalar(select(Item.id).where(Item.code == req.item_code)) is None:
        raise ValueError(f"no item {req.item_code}")
    stock = stock_of(call.session, req.item_code, req.warehouse)
    if sign < 0:
        if stock.on_hand < req.quantity:
            raise ValueError(f"only {stock.on_hand} of {req.item_code} on hand in {req.warehouse}")
        stock.reserved = max(stock.reserved - req.quantity, 0)  # issuing consumes the reservation
    stock.on_hand += sign * req.quantity
    move = StockMove(item_code=req.item_code, warehouse=req.warehouse, quantity=sign * req.quantity, kind=kind,
                     reference=req.reference, attempt=req.attempt, instance_id=call.instance_id,
                     task_name=call.task_name, created_at=call.now)
    call.session.add(move)
    call.session.flush()
    return move


def receive_stock(call: ServiceCall, req: MoveStock) -> dict[str, Any]:
    """Goods in (a purchase delivery, or finished goods from production)."""
    move = _move(call, req, "receipt", +1)
    return {"id": move.id, "quantity": move.quantity}


def issue_stock(call: ServiceCall, req: MoveStock) -> dict[str, Any]:
    """Goods out against an earlier reservation (shipping, or material to production)."""
    move = _move(call, req, "issue", -1)
    return {"id": move.id, "quantity": move.quantity}
