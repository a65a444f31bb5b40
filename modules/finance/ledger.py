"""The general ledger: every money event finance records posts a balanced pair of entries.

Posted from inside finance's own operations (payment requests, invoices,
customer payments), in the same transaction, so the books never disagree
with the documents; a retried operation posts nothing twice because the
document itself is only created once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Numeric, String, insert
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, Prepared, ServiceCall

ACCOUNTS = {
    "1002": "Bank", "1122": "Accounts receivable", "2202": "Accounts payable",
    "6001": "Revenue", "6602": "Operating expenses",
}


class LedgerEntry(Base):
    __tablename__ = "finance_ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(10), index=True)
    debit: Mapped[float] = mapped_column(Numeric(16, 2), default=0)
    credit: Mapped[float] = mapped_column(Numeric(16, 2), default=0)
    document: Mapped[str] = mapped_column(String(30), index=True)  # PR-…, INV-…
    memo: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(100), default="")
    posted_at: Mapped[datetime]


def post(call: ServiceCall, debit_account: str, credit_account: str, amount: float, document: str,
         memo: str = "", department: str = "") -> None:
    """One balanced posting: `amount` debited to one account and credited to the other."""
    if debit_account not in ACCOUNTS or credit_account not in ACCOUNTS:
        raise ValueError(f"unknown account in {debit_account}/{credit_account}")
    entry = {"document": document, "memo": memo, "department": department, "posted_at": call.now}
    _POST.run(call.session, [{**entry, "account": debit_account, "debit": amount, "credit": 0},
                             {**entry, "account": credit_account, "debit": 0, "credit": amount}])


# a prepared insert: every approved purchase posts a pair
_POST = Prepared(insert(LedgerEntry.__table__),
                 keys=["account", "debit", "credit", "document", "memo", "department", "posted_at"])
