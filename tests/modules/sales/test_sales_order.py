"""Sales operations: an order is created once per (instance, task); credit exposure counts open orders."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.sales import Customer, SalesOrder
from modules.sales.sales_order import (
    CheckCredit,
    CreateSalesOrder,
    SetOrderStatus,
    check_credit,
    create_sales_order,
    set_order_status,
)


def call(session: Session, instance: int) -> ServiceCall:
    return ServiceCall(session, instance, "Task_create_order", "sally", "order_handling")


@pytest.fixture
def session(db: Engine):
    with Session(db) as s:
        s.add(Customer(code="C1", name="Acme", credit_limit=10000))
        s.add(Customer(code="C2", name="Blocked Ltd", credit_limit=10000, status="blocked"))
        s.flush()
        yield s


def order(customer: str = "C1", quantity: int = 2, price: float = 3000) -> CreateSalesOrder:
    return CreateSalesOrder(customer, "A", quantity, price, "SH-01", "sally")


def test_a_retried_create_returns_the_same_order(session: Session) -> None:
    first = create_sales_order(call(session, 1), order())
    assert create_sales_order(call(session, 1), order()) == first
    assert session.scalar(select(func.count()).select_from(SalesOrder)) == 1
    assert first["amount"] == 6000


def test_credit_exposure_counts_open_orders_but_not_closed_ones(session: Session) -> None:
    a = create_sales_order(call(session, 1), order())
    b = create_sales_order(call(session, 2), order())
    credit = check_credit(call(session, 2), CheckCredit("C1", b["number"]))
    assert (credit["exposure"], credit["within_limit"]) == (12000, False)
    set_order_status(call(session, 1), SetOrderStatus(a["number"], "completed"))
    assert check_credit(call(session, 2), CheckCredit("C1", b["number"]))["within_limit"] is True


def test_unknown_or_blocked_customers_and_bad_statuses_are_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="no customer C9"):
        create_sales_order(call(session, 1), order("C9"))
    with pytest.raises(ValueError, match="C2 is blocked"):
        create_sales_order(call(session, 1), order("C2"))
    with pytest.raises(ValueError, match="status must be one of"):
        set_order_status(call(session, 1), SetOrderStatus("SO-1", "lost"))
