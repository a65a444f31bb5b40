"""The ledger: each finance document posts a balanced pair of entries, once."""
from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.finance import LedgerEntry
from modules.finance.invoice import CreateInvoice, InvoiceRef, create_invoice, record_customer_payment
from modules.finance.payment_request import RequestPayment, request_payment


def call(session: Session, task: str) -> ServiceCall:
    return ServiceCall(session, 5, task, "tester", "order_handling")


def balances(session: Session) -> dict[str, float]:
    rows = session.execute(select(LedgerEntry.account, func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit))
                           .group_by(LedgerEntry.account))
    return {account: float(balance) for account, balance in rows}


def test_documents_post_balanced_entries_and_retries_post_nothing_more(db: Engine) -> None:
    with Session(db) as session:
        for _ in range(2):  # the second round is a retried step
            request_payment(call(session, "Task_pay"), RequestPayment("ACME", 800, "IT", "PO-1"))
            invoice = create_invoice(call(session, "Task_invoice"), CreateInvoice("Customer A", 5000, "SO-1"))
            record_customer_payment(call(session, "Task_paid"), InvoiceRef(invoice["number"]))
        session.flush()
        assert balances(session) == {"6602": 800, "2202": -800, "1122": 0, "6001": -5000, "1002": 5000}
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 6
        assert sum(balances(session).values()) == 0, "debits equal credits"
