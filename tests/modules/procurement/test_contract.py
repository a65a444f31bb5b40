"""Contracts: the import parser names every bad field, knows the suppliers, and a second import updates."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from modules.procurement import Contract, Supplier, expire_contracts, import_contracts


@pytest.fixture
def session(db: Engine):
    with Session(db) as s:
        s.add(Supplier(code="S-1", name="ACME", category="it", status="active"))
        s.flush()
        yield s


GOOD = {"number": "K-1", "supplier_code": "S-1", "title": "Laptops 2026", "valid_from": datetime(2026, 1, 1),
        "valid_to": "2026-12-31", "amount_cap": "1,000,000", "status": "active"}


def test_a_good_row_is_imported_with_typed_values_and_a_second_import_updates(session: Session) -> None:
    report = import_contracts(session, [GOOD])
    assert (report.created, report.updated, report.rejected) == (1, 0, ())
    again = import_contracts(session, [{**GOOD, "title": "Laptops and docks 2026", "status": ""}])
    assert (again.created, again.updated) == (0, 1)
    [row] = session.scalars(select(Contract)).all()
    assert (row.title, row.valid_from, row.valid_to, float(row.amount_cap), row.status, row.supplier_name) == \
           ("Laptops and docks 2026", date(2026, 1, 1), date(2026, 12, 31), 1000000, "active", "ACME")


def test_each_bad_row_is_reported_with_every_reason_and_nothing_written(session: Session) -> None:
    rows = [GOOD,
            {**GOOD, "number": "K-2", "supplier_code": "S-9", "valid_from": "2026-13-01", "amount_cap": -5},
            {**GOOD, "number": "K-3", "valid_from": "2026-06-01", "valid_to": date(2026, 5, 31), "status": "open"},
            {**GOOD, "number": "", "title": "", "valid_to": None}]
    report = import_contracts(session, rows)
    assert report.written is False and session.scalar(select(Contract.id)) is None
    assert [(r.row, r.key, r.reasons) for r in report.rejected] == [
        (3, "K-2", ("valid_from: '2026-13-01' is not a date (YYYY-MM-DD)", "amount_cap: must be at least 0",
                    "supplier_code: no supplier S-9")),
        (4, "K-3", ("status: 'open' is not one of draft, active, expired, terminated",
                    "valid_to: must not be before valid_from")),
        (5, "", ("number: required", "title: required", "valid_to: required")),
    ]
    partial = import_contracts(session, rows, "valid_rows")
    assert (partial.created, len(partial.rejected)) == (1, 3)


def test_active_contracts_past_their_last_day_expire(session: Session) -> None:
    for number, end, status in (("K-1", date(2026, 3, 31), "active"), ("K-2", date(2026, 4, 1), "active"),
                                ("K-3", date(2026, 1, 31), "terminated")):
        session.add(Contract(number=number, supplier_code="S-1", title=number, valid_from=date(2026, 1, 1),
                             valid_to=end, amount_cap=1, status=status))
    session.flush()
    assert expire_contracts(session, date(2026, 4, 1)) == 1
    assert expire_contracts(session, date(2026, 4, 1)) == 0
    assert {c.number: c.status for c in session.scalars(select(Contract))} == {
        "K-1": "expired", "K-2": "active", "K-3": "terminated"}
