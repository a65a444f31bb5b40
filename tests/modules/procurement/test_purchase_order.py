"""procurement.create_purchase_order: one order per (instance, task) with its lines, however often a step is retried.

An order for a supplier with an active contract covering the day names that contract.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import ServiceCall, utcnow
from modules.procurement import Contract, PurchaseOrder, PurchaseOrderLine, Supplier
from modules.procurement.purchase_order import CreatePurchaseOrder, create_purchase_order

ORDER = CreatePurchaseOrder(item="Desk", supplier="ACME", quantity=4, unit_price=120.5, department="ops",
                            requested_by="rita")
LINES = [{"item_code": "LAP-X1", "item": "ThinkPad X1", "quantity": 2, "unit": "pcs", "unit_price": 9800},
         {"item_code": None, "item": "USB-C dock", "quantity": 3, "unit": None, "unit_price": 450.5}]


def _call(session: Session, instance_id: int = 7, task: str = "Task_create_purchase_order") -> ServiceCall:
    return ServiceCall(session=session, instance_id=instance_id, task_name=task, actor="mike",
                       process_key="purchase_approval")


def _order(supplier: str = "ACME", lines: list[dict[str, Any]] | None = None) -> CreatePurchaseOrder:
    return CreatePurchaseOrder(supplier=supplier, department="IT", requested_by="rita", lines=lines or LINES)


def _lines(session: Session) -> list[tuple]:
    return [(x.order_id, x.line_no, x.item_code, x.item, x.quantity, x.unit, float(x.unit_price), float(x.amount))
            for x in session.scalars(select(PurchaseOrderLine).order_by(PurchaseOrderLine.id))]


def test_order_is_created_once_per_instance_and_task(db: Engine) -> None:
    with Session(db) as session, session.begin():
        first = create_purchase_order(_call(session), ORDER)
        again = create_purchase_order(_call(session), ORDER)
        other = create_purchase_order(_call(session, instance_id=8), ORDER)
    assert again == first and other["number"] != first["number"]
    assert first["amount"] == 482.0 and first["number"].startswith("PO-") and first["number"].endswith("000007")
    with Session(db) as session:
        rows = session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.id)).all()
        assert [(r.instance_id, r.quantity, float(r.amount), r.line_count) for r in rows] == [
            (7, 4, 482.0, 1), (8, 4, 482.0, 1)]
        assert _lines(session)[0] == (rows[0].id, 1, "", "Desk", 4, "", 120.5, 482.0), "one item is one line"


def test_an_order_with_lines_sums_them_and_a_retry_writes_no_line_twice(db: Engine) -> None:
    with Session(db) as session, session.begin():
        first = create_purchase_order(_call(session), _order())
    with Session(db) as session, session.begin():
        assert create_purchase_order(_call(session), _order(lines=[LINES[0]])) == first, "the first order stands"
    assert (first["amount"], first["lines"]) == (20951.5, 2)
    with Session(db) as session:
        [po] = session.scalars(select(PurchaseOrder)).all()
        assert (po.item, po.quantity, po.unit_price, float(po.amount)) == ("ThinkPad X1, USB-C dock", 5, None, 20951.5)
        assert _lines(session) == [(po.id, 1, "LAP-X1", "ThinkPad X1", 2, "pcs", 9800.0, 19600.0),
                                   (po.id, 2, "", "USB-C dock", 3, "", 450.5, 1351.5)]


@pytest.mark.parametrize("lines, message", [
    ([LINES[0], {"item": " ", "quantity": 1, "unit_price": 1}], "line 2: item is required"),
    ([{"item": "Desk", "quantity": 1.5, "unit_price": 1}], "line 1: quantity must be a positive whole number"),
    ([*LINES, {"item": "Desk", "quantity": 1, "unit_price": "12"}], "line 3: unit price must be a positive number"),
    ([LINES[0], "Desk"], "line 2: must be an object"),
])
def test_a_bad_line_is_refused_by_its_number_and_nothing_is_written(db: Engine, lines: list, message: str) -> None:
    with Session(db) as session:
        with pytest.raises(ValueError, match=message):
            create_purchase_order(_call(session), _order(lines=lines))
        assert session.scalar(select(func.count()).select_from(PurchaseOrder)) == 0


@pytest.mark.parametrize("quantity, unit_price", [(0, 10.0), (2, -1.0)])
def test_nonsense_quantities_and_prices_are_refused(db: Engine, quantity: int, unit_price: float) -> None:
    bad = CreatePurchaseOrder(item="Desk", supplier="ACME", quantity=quantity, unit_price=unit_price,
                              department="ops", requested_by="rita")
    with Session(db) as session, pytest.raises(ValueError, match="positive"):
        create_purchase_order(_call(session), bad)


def _contract(number: str, supplier: str, start: date, end: date, status: str = "active") -> Contract:
    return Contract(number=number, supplier_code=supplier, title=f"Framework {number}", valid_from=start,
                    valid_to=end, amount_cap=500000, status=status)


def test_an_order_names_the_suppliers_active_contract_covering_the_day(db: Engine) -> None:
    today = utcnow().date()
    with Session(db) as session, session.begin():
        session.add_all([Supplier(code="S-1", name="ACME", category="it", status="active"),
                         Supplier(code="S-2", name="Other Co", category="it", status="active")])
        session.flush()
        session.add_all([
            _contract("K-OLD", "S-1", today - timedelta(days=400), today - timedelta(days=1)),
            _contract("K-DRAFT", "S-1", today, today + timedelta(days=30), status="draft"),
            _contract("K-NOW", "S-1", today - timedelta(days=30), today),
            _contract("K-NEWER", "S-1", today - timedelta(days=2), today + timedelta(days=365)),
            _contract("K-ENDED", "S-2", today - timedelta(days=30), today + timedelta(days=30), status="terminated"),
        ])
    with Session(db) as session, session.begin():
        by_name = create_purchase_order(_call(session, 1), _order("ACME"))
        by_code = create_purchase_order(_call(session, 2), _order("S-1"))
        none = create_purchase_order(_call(session, 3), _order("Other Co"))
        unknown = create_purchase_order(_call(session, 4), _order("Somebody new"))
    assert (by_name["contract"], by_code["contract"]) == ("K-NEWER", "K-NEWER"), "the latest covering contract"
    assert (none["contract"], unknown["contract"]) == (None, None)
    with Session(db) as session:
        assert list(session.scalars(select(PurchaseOrder.contract_number).order_by(PurchaseOrder.id))) == [
            "K-NEWER", "K-NEWER", None, None]


def test_an_order_that_would_pass_the_contracts_cap_is_placed_off_contract_naming_it(db: Engine) -> None:
    today = utcnow().date()
    with Session(db) as session, session.begin():
        session.add(Supplier(code="S-1", name="ACME", category="it", status="active"))
        session.flush()
        session.add_all([Contract(number="K-OLD", supplier_code="S-1", title="Older frame", amount_cap=50000,
                                  valid_from=today - timedelta(days=90), valid_to=today + timedelta(days=90),
                                  status="active"),
                         Contract(number="K-NEW", supplier_code="S-1", title="Newer frame", amount_cap=30000,
                                  valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=90),
                                  status="active")])
    twenty = [{"item": "Monitor", "quantity": 10, "unit_price": 2000}]  # 20,000.00 each
    with Session(db) as session, session.begin():
        orders = [create_purchase_order(_call(session, i), _order("ACME", twenty)) for i in (1, 2, 3, 4)]
    # the newer contract has room for one; the older takes the next two; the fourth fits under neither
    assert [(o["contract"], o["over_cap_of"]) for o in orders] == [
        ("K-NEW", None), ("K-OLD", None), ("K-OLD", None), (None, "K-NEW")]
    with Session(db) as session:
        committed = {c.number: float(c.committed) for c in session.scalars(select(Contract))}
    assert committed == {"K-NEW": 20000.0, "K-OLD": 40000.0}
