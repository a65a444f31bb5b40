"""finance.request_payment: one payment request per (instance, task), never a double payment."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.finance import PaymentRequest
from modules.finance.payment_request import RequestPayment, request_payment


def _call(session: Session) -> ServiceCall:
    return ServiceCall(session=session, instance_id=3, task_name="Task_request_payment", actor="mike",
                       process_key="purchase_approval")


def test_payment_is_requested_once_however_often_the_step_runs(db: Engine) -> None:
    req = RequestPayment(payee="ACME", amount=1234.567, department="ops", reference="PO-1")
    with Session(db) as session, session.begin():
        first = request_payment(_call(session), req)
        assert request_payment(_call(session), req) == first
    assert first["amount"] == 1234.57
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(PaymentRequest)) == 1
        row = session.scalars(select(PaymentRequest)).one()
    assert (row.payee, row.reference, row.status, row.instance_id) == ("ACME", "PO-1", "requested", 3)


def test_amount_must_be_positive(db: Engine) -> None:
    with Session(db) as session, pytest.raises(ValueError, match="positive"):
        request_payment(_call(session), RequestPayment(payee="ACME", amount=0, department="ops", reference="PO-1"))
