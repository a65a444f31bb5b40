"""Sales operations: an order and its lines are created once per (instance, task); credit exposure counts
open orders' totals; the status only moves forward and keeps its history; reservations land per line."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.inventory import Item
from modules.sales import Customer, LinesRejected, SalesOrder, SalesOrderEvent, order_lines
from modules.sales.credit import CheckCredit, check_credit
from modules.sales.order_status import (
    LinkPurchases,
    RecordReservation,
    SetOrderStatus,
    link_purchases,
    record_reservation,
    set_order_status,
)
from modules.sales.sales_order import CreateSalesOrder, create_sales_order


def call(session: Session, instance: int, task: str = "Task_create_order", actor: str = "sally") -> ServiceCall:
    return ServiceCall(session, instance, task, actor, "order_handling")


@pytest.fixture
def session(db: Engine):
    with Session(db) as s:
        s.add(Customer(code="C1", name="Acme", credit_limit=10000))
        s.add(Customer(code="C2", name="Blocked Ltd", credit_limit=10000, status="blocked"))
        s.add(Item(code="A", name="Widget"))
        s.add(Item(code="B", name="Gadget"))
        s.add(Item(code="OLD", name="Retired", status="inactive"))
        s.flush()
        yield s


def order(customer: str = "C1", lines: object = None) -> CreateSalesOrder:
    return CreateSalesOrder(customer, "SH-01", "sally", lines if lines is not None else [
        {"item_code": "A", "quantity": 2, "unit_price": 2000}, {"item_code": "B", "quantity": 4, "unit_price": 499.5}])


def test_an_order_is_the_sum_of_its_lines_and_a_retry_returns_the_same_order(session: Session) -> None:
    first = create_sales_order(call(session, 1), order())
    assert create_sales_order(call(session, 1), order()) == first
    assert session.scalar(select(func.count()).select_from(SalesOrder)) == 1
    assert (first["amount"], first["items"]) == (5998, "A ×2, B ×4")
    saved = order_lines(session, first["id"])
    assert [(x.line_no, x.item_code, x.quantity, float(x.unit_price), float(x.amount)) for x in saved] == [
        (1, "A", 2, 2000, 4000), (2, "B", 4, 499.5, 1998)]
    assert [line["amount"] for line in first["lines"]] == [4000, 1998]
    assert [e.status for e in session.scalars(select(SalesOrderEvent))] == ["entered"]


def test_lines_arrive_as_json_text_too(session: Session) -> None:
    made = create_sales_order(call(session, 1), order(lines=json.dumps([{"item_code": "B", "quantity": "3",
                                                                          "unit_price": "10"}])))
    assert (made["amount"], made["items"]) == (30, "B ×3")


def test_every_bad_line_is_named_at_once_and_nothing_is_written(session: Session) -> None:
    bad = [{"item_code": "A", "quantity": 0, "unit_price": 5}, {"item_code": "Z", "quantity": 1, "unit_price": 5},
           {"item_code": "B", "quantity": 1, "unit_price": "x"}, {"item_code": "OLD", "quantity": 1, "unit_price": 1}]
    with pytest.raises(LinesRejected) as caught:
        create_sales_order(call(session, 1), order(lines=bad))
    assert caught.value.errors == {"1.quantity": "must be at least 1", "2.item_code": "no item Z",
                                   "3.unit_price": "must be a number", "4.item_code": "item OLD is inactive"}
    assert "line 2 item_code: no item Z" in str(caught.value)
    for lines, message in (([], "at least one line"), ("[{", "JSON list"), ("[" * 5000 + "]" * 5000, "JSON list"),
                           ([{"item_code": "A"}] * 51, "at most 50")):
        with pytest.raises(LinesRejected, match=message):
            create_sales_order(call(session, 1), order(lines=lines))
    assert session.scalar(select(func.count()).select_from(SalesOrder)) == 0


def test_credit_exposure_counts_open_order_totals_and_records_the_outcome(session: Session) -> None:
    a = create_sales_order(call(session, 1), order())
    b = create_sales_order(call(session, 2), order())
    credit = check_credit(call(session, 2, "Task_check_credit"), CheckCredit("C1", b["number"]))
    assert (credit["exposure"], credit["within_limit"]) == (11996, False)
    assert session.get(SalesOrder, b["id"]).status == "credit_hold"
    set_order_status(call(session, 1), SetOrderStatus(a["number"], "completed"))
    assert check_credit(call(session, 2, "Task_check_credit"), CheckCredit("C1", b["number"]))["within_limit"]
    assert session.get(SalesOrder, b["id"]).status == "credit_approved"


def test_the_status_moves_forward_only_and_each_step_is_in_the_history_once(session: Session) -> None:
    made = create_sales_order(call(session, 1), order())
    for status, note in (("invoiced", "INV-1"), ("paid", "CMB-1"), ("shipped", "SF 1"), ("shipped", "again")):
        set_order_status(call(session, 1, f"Task_{status}"), SetOrderStatus(made["number"], status, note))
    assert session.get(SalesOrder, made["id"]).status == "paid", "shipping after payment does not go back"
    events = [(e.status, e.note) for e in session.scalars(select(SalesOrderEvent).order_by(SalesOrderEvent.id))]
    assert events == [("entered", ""), ("invoiced", "INV-1"), ("paid", "CMB-1"), ("shipped", "SF 1")]


def test_reservations_and_purchases_land_on_their_lines(session: Session) -> None:
    made = create_sales_order(call(session, 1), order())
    short = {"reserved": False, "lines": [{"line": 1, "reserved": 0, "shortfall": 0},
                                          {"line": 2, "reserved": 0, "shortfall": 3}]}
    record_reservation(call(session, 1, "Task_record"), RecordReservation(made["number"], short))
    purchases = {"B": {"id": 4, "purchase_instance_id": 9}}
    link_purchases(call(session, 1, "Task_link"), LinkPurchases(made["number"], purchases))
    saved = order_lines(session, made["id"])
    assert [(x.reserved, x.shortfall, x.purchase_instance_id, x.requisition_id) for x in saved] == [
        (0, 0, None, None), (0, 3, 9, 4)]
    assert session.get(SalesOrder, made["id"]).status == "awaiting_stock"
    full = {"reserved": True, "lines": [{"line": 1, "reserved": 2, "shortfall": 0},
                                        {"line": 2, "reserved": 4, "shortfall": 0}]}
    record_reservation(call(session, 1, "Task_record"), RecordReservation(made["number"], full))
    assert [(x.reserved, x.shortfall, x.purchase_instance_id) for x in order_lines(session, made["id"])] == [
        (2, 0, None), (4, 0, 9)]
    with pytest.raises(ValueError, match="does not answer for the lines"):
        record_reservation(call(session, 1, "Task_record"), RecordReservation(made["number"], {"lines": []}))


def test_unknown_or_blocked_customers_and_bad_statuses_are_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="no customer C9"):
        create_sales_order(call(session, 1), order("C9"))
    with pytest.raises(ValueError, match="C2 is blocked"):
        create_sales_order(call(session, 1), order("C2"))
    with pytest.raises(ValueError, match="status must be one of"):
        set_order_status(call(session, 1), SetOrderStatus("SO-1", "lost"))
    with pytest.raises(ValueError, match="no sales order SO-1"):
        set_order_status(call(session, 1), SetOrderStatus("SO-1", "shipped"))
