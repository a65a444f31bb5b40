"""Several items at once: an order's lines reserve all or nothing, and no retry reserves or moves stock twice."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.inventory import Item, Reservation, Stock, StockMove
from modules.inventory.item_lists import IssueItems, ItemList, issue_items, receive_items, reserve_items


def call(session: Session, task: str = "Task_reserve", instance: int = 7) -> ServiceCall:
    return ServiceCall(session, instance, task, "tester", "order_handling")


@pytest.fixture
def session(db: Engine):
    with Session(db) as s:
        s.add_all([Item(code="A", name="Widget", unit_cost=5, preferred_supplier="ACME"),
                   Item(code="B", name="Gadget", unit_cost=7)])
        s.add_all([Stock(item_code="A", warehouse="SH-01", on_hand=10, reserved=0),
                   Stock(item_code="B", warehouse="SH-01", on_hand=3, reserved=1)])
        s.flush()
        yield s


def stock(session: Session) -> dict[str, tuple[int, int]]:
    return {r.item_code: (r.on_hand, r.reserved) for r in session.scalars(select(Stock))}


def order(*lines: tuple[str, int], attempt: int = 1) -> ItemList:
    return ItemList("SH-01", [{"item_code": code, "quantity": qty, "unit_price": 1} for code, qty in lines],
                    "SO-1", attempt)


def test_a_partial_shortfall_reserves_nothing_and_names_each_short_item(session: Session) -> None:
    result = reserve_items(call(session), order(("A", 4), ("B", 5), ("A", 7)))
    assert result["reserved"] is False and stock(session) == {"A": (10, 0), "B": (3, 1)}
    assert [(x["line"], x["reserved"], x["shortfall"]) for x in result["lines"]] == [(1, 0, 0), (2, 0, 3), (3, 0, 1)]
    assert result["short"] == {
        "B": {"item_code": "B", "item_name": "Gadget", "supplier": "", "unit_cost": 7.0, "shortfall": 3},
        "A": {"item_code": "A", "item_name": "Widget", "supplier": "ACME", "unit_cost": 5.0, "shortfall": 1}}, \
        "an item on two lines: the first line takes the stock there is"
    assert [(r.line, r.status, r.shortfall) for r in session.scalars(select(Reservation))] == [
        (2, "short", 3), (3, "short", 1)]


def test_a_retried_reservation_reserves_once_and_answers_the_same(session: Session) -> None:
    first = reserve_items(call(session), order(("A", 4), ("B", 2)))
    again = reserve_items(call(session), order(("A", 4), ("B", 2)))
    assert first == again and first["reserved"] is True and first["short"] == {}
    assert stock(session) == {"A": (10, 4), "B": (3, 3)}
    assert len(list(session.scalars(select(Reservation)))) == 2


def test_after_goods_in_the_next_attempt_reserves_the_whole_order(session: Session) -> None:
    assert reserve_items(call(session), order(("A", 4), ("B", 5)))["reserved"] is False
    receive_items(call(session, "Task_in"), ItemList("SH-01", [{"item_code": "B", "quantity": 3}], "SO-1"))
    receive_items(call(session, "Task_in"), ItemList("SH-01", [{"item_code": "B", "quantity": 3}], "SO-1"))
    assert stock(session)["B"] == (6, 1), "a retried receipt books the goods in once"
    assert reserve_items(call(session), order(("A", 4), ("B", 5), attempt=2))["reserved"] is True
    assert stock(session) == {"A": (10, 4), "B": (6, 6)}


def test_issuing_reserved_lines_uses_up_the_reservation_once(session: Session) -> None:
    reserve_items(call(session), order(("A", 4), ("B", 2)))
    shipment = IssueItems("SH-01", [{"item_code": "A", "quantity": 4}, {"item_code": "B", "quantity": 2}], "SO-1",
                          reserved=True)
    assert issue_items(call(session, "Task_issue"), shipment) == {"moves": 2}
    assert issue_items(call(session, "Task_issue"), shipment) == {"moves": 2}
    assert stock(session) == {"A": (6, 0), "B": (1, 1)}, "B's other reservation stays"
    assert [(m.line, m.item_code, m.quantity) for m in session.scalars(select(StockMove))] == [
        (1, "A", -4), (2, "B", -2)]
    assert {r.status for r in session.scalars(select(Reservation))} == {"issued"}


def test_unreserved_issue_takes_only_what_is_available(session: Session) -> None:
    with pytest.raises(ValueError, match="only 2 of B available in SH-01, 3 needed"):
        issue_items(call(session, "Task_issue"), IssueItems("SH-01", [{"item_code": "B", "quantity": 3}]))
    assert list(session.scalars(select(StockMove))) == []


def test_bad_lists_say_what_is_wrong(session: Session) -> None:
    for items, message in (([], "non-empty list"), ([{"item_code": "A"}], "line 1: needs an item_code"),
                           ([{"item_code": "A", "quantity": -1}], "line 1: quantity must be positive"),
                           ([{"item_code": "Q", "quantity": 1}], "no item Q")):
        with pytest.raises(ValueError, match=message):
            reserve_items(call(session), ItemList("SH-01", items))
