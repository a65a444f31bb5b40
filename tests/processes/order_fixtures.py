"""What the order_handling tests share: the people, a customer, three items in stock, and order lines."""
from __future__ import annotations

import json
from typing import Any

from flow_driver import Driver
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import Actor, InstanceView
from modules.inventory import Item, Stock
from modules.sales import Customer, SalesOrder, SalesOrderEvent, SalesOrderLine

SALLY = Actor("sally", groups=frozenset({"sales"}))
SAM = Actor("sam", groups=frozenset({"Sales-managers"}))
WALT = Actor("walt", groups=frozenset({"warehouse"}))
JACK = Actor("jack", groups=frozenset({"finance-clerks"}))

ITEMS = (("MON-27", "27-inch monitor", 1200, "Dell China"), ("DOCK-U", "USB-C dock", 450, "Lenovo"),
         ("KB-01", "Keyboard", 80, ""))


def seed(db: Engine, credit_limit: float = 100000, **on_hand: int) -> None:
    """Stock in SH-01: 100 monitors, 50 docks, 20 keyboards unless given (`MON_27=4`)."""
    stock = {"MON-27": 100, "DOCK-U": 50, "KB-01": 20, **{k.replace("_", "-"): v for k, v in on_hand.items()}}
    with Session(db) as session, session.begin():
        session.add(Customer(code="C001", name="华东电子 East China Electronics", credit_limit=credit_limit))
        for code, name, cost, supplier in ITEMS:
            session.add(Item(code=code, name=name, unit_cost=cost, preferred_supplier=supplier))
            session.add(Stock(item_code=code, warehouse="SH-01", on_hand=stock[code], reserved=0))


def single(quantity: int, unit_price: float = 2000) -> dict[str, Any]:
    """A one-item order, entered the way it always was: item_code, quantity and unit_price."""
    return {"customer_code": "C001", "item_code": "MON-27", "quantity": quantity, "unit_price": unit_price,
            "warehouse": "SH-01"}


def lines(*entries: tuple[str, int, float]) -> dict[str, Any]:
    """An order of several lines, carried as JSON text in the start form's `lines` field."""
    return {"customer_code": "C001", "warehouse": "SH-01", "lines": json.dumps(
        [{"item_code": code, "quantity": quantity, "unit_price": price} for code, quantity, price in entries])}


def ship(flow: Driver, view: InstanceView) -> InstanceView:
    return flow.complete(view, "Task_ship", WALT, carrier="SF Express", tracking_number="SF123")


def pay(flow: Driver, view: InstanceView) -> InstanceView:
    return flow.complete(view, "Task_await_payment", JACK, paid_on="2026-12-20", bank_reference="CMB-0001")


def stock(flow: Driver) -> dict[str, tuple[int, int]]:
    return {row.item_code: (row.on_hand, row.reserved) for row in flow.rows(Stock)}


def the_order(flow: Driver) -> SalesOrder:
    [order] = flow.rows(SalesOrder)
    return order


def order_lines(flow: Driver) -> list[tuple]:
    """(item, quantity, amount, reserved, shortfall) per line, in line order."""
    with Session(flow.db) as session:
        rows = session.scalars(select(SalesOrderLine).order_by(SalesOrderLine.line_no))
        return [(r.item_code, r.quantity, float(r.amount), r.reserved, r.shortfall) for r in rows]


def history(flow: Driver) -> list[tuple[str, str]]:
    """The order's statuses in the order they were reached, with their notes."""
    return [(e.status, e.note) for e in flow.rows(SalesOrderEvent)]
