"""Inventory operations: reservations are all-or-nothing, moves change stock once per (instance, task)."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.inventory import Item, Stock
from modules.inventory.stock import MoveStock, ReserveStock, issue_stock, receive_stock, reserve_stock


def call(session: Session, task: str = "Task_x", instance: int = 7) -> ServiceCall:
    return ServiceCall(session, instance, task, "tester", "order_handling")


@pytest.fixture
def session(db: Engine):
    with Session(db) as s:
        s.add(Item(code="A", name="Widget", unit_cost=5, preferred_supplier="ACME"))
        s.add(Stock(item_code="A", warehouse="SH-01", on_hand=10, reserved=0))
        s.flush()
        yield s


def stock(session: Session) -> tuple[int, int]:
    row = session.scalar(select(Stock).where(Stock.item_code == "A"))
    return row.on_hand, row.reserved


def test_reserving_twice_for_the_same_task_reserves_once(session: Session) -> None:
    first = reserve_stock(call(session), ReserveStock("A", "SH-01", 4))
    again = reserve_stock(call(session), ReserveStock("A", "SH-01", 4))
    assert first["reserved"] and again["id"] == first["id"]
    assert stock(session) == (10, 4)


def test_a_short_reservation_reserves_nothing_and_names_the_shortfall(session: Session) -> None:
    result = reserve_stock(call(session), ReserveStock("A", "SH-01", 14))
    assert (result["reserved"], result["shortfall"], result["supplier"]) == (False, 4, "ACME")
    assert stock(session) == (10, 0)
    retry = reserve_stock(call(session), ReserveStock("A", "SH-01", 14, attempt=2))
    assert retry["reserved"] is False and retry["id"] != result["id"]


def test_issue_consumes_the_reservation_and_receive_adds_stock_once(session: Session) -> None:
    reserve_stock(call(session), ReserveStock("A", "SH-01", 4))
    issue_stock(call(session, "Task_issue"), MoveStock("A", "SH-01", 4))
    issue_stock(call(session, "Task_issue"), MoveStock("A", "SH-01", 4))
    assert stock(session) == (6, 0)
    receive_stock(call(session, "Task_in"), MoveStock("A", "SH-01", 20))
    receive_stock(call(session, "Task_in"), MoveStock("A", "SH-01", 20))
    assert stock(session) == (26, 0)


def test_bad_requests_say_what_is_wrong(session: Session) -> None:
    with pytest.raises(ValueError, match="no item B"):
        reserve_stock(call(session), ReserveStock("B", "SH-01", 1))
    with pytest.raises(ValueError, match="only 10 of A on hand"):
        issue_stock(call(session), MoveStock("A", "SH-01", 11))
