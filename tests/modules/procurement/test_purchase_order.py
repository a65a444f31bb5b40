"""procurement.create_purchase_order: one order per (instance, task), however often a step is retried."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.procurement import PurchaseOrder
from modules.procurement.purchase_order import CreatePurchaseOrder, create_purchase_order

ORDER = CreatePurchaseOrder(item="Desk", supplier="ACME", quantity=4, unit_price=120.5, department="ops",
                            requested_by="rita")


def _call(session: Session, instance_id: int = 7, task: str = "Task_create_purchase_order") -> ServiceCall:
    return ServiceCall(session=session, instance_id=instance_id, task_name=task, actor="mike",
                       process_key="purchase_approval")


def test_order_is_created_once_per_instance_and_task(db: Engine) -> None:
    with Session(db) as session, session.begin():
        first = create_purchase_order(_call(session), ORDER)
        again = create_purchase_order(_call(session), ORDER)
        other = create_purchase_order(_call(session, instance_id=8), ORDER)
    assert again == first and other["number"] != first["number"]
    assert first["amount"] == 482.0 and first["number"].startswith("PO-") and first["number"].endswith("000007")
    with Session(db) as session:
        rows = session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.id)).all()
    assert [(r.instance_id, r.quantity, float(r.amount)) for r in rows] == [(7, 4, 482.0), (8, 4, 482.0)]


@pytest.mark.parametrize("quantity, unit_price", [(0, 10.0), (2, -1.0)])
def test_nonsense_quantities_and_prices_are_refused(db: Engine, quantity: int, unit_price: float) -> None:
    bad = CreatePurchaseOrder(item="Desk", supplier="ACME", quantity=quantity, unit_price=unit_price,
                              department="ops", requested_by="rita")
    with Session(db) as session, pytest.raises(ValueError, match="positive"):
        create_purchase_order(_call(session), bad)
