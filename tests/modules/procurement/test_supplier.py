"""Suppliers: onboarding registers a pending supplier once; the import parser names every bad field."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.importing import RowRejected
from modules.procurement import Supplier, import_suppliers
from modules.procurement.supplier import (
    RegisterSupplier,
    SetSupplierStatus,
    register_supplier,
    set_supplier_status,
    withdraw_onboarding,
)


def call(session: Session, instance: int) -> ServiceCall:
    return ServiceCall(session, instance, "Task_register_supplier", "peter", "supplier_onboarding")


def test_registering_is_idempotent_per_instance_and_refuses_a_taken_code(db: Engine) -> None:
    with Session(db) as session:
        first = register_supplier(call(session, 1), RegisterSupplier("S1", "Acme", "it"))
        assert register_supplier(call(session, 1), RegisterSupplier("S1", "Acme", "it")) == first
        with pytest.raises(ValueError, match="already taken"):
            register_supplier(call(session, 2), RegisterSupplier("S1", "Other", "it"))
        set_supplier_status(call(session, 1), SetSupplierStatus("S1", "active"))
        assert session.scalar(select(Supplier.status)) == "active"


def test_all_or_nothing_import_writes_nothing_when_a_row_is_bad(db: Engine) -> None:
    rows = [{"code": "S1", "name": "Good", "category": "it"}, {"code": "S2", "name": "", "category": "food"}]
    with Session(db) as session:
        report = import_suppliers(session, rows)
        assert (report.created, report.written) == (0, False)
        [bad] = report.rejected
        assert (bad.row, bad.key) == (3, "S2")
        assert bad.reasons == ("name: required", "category: 'food' is not one of it, office, raw_materials, "
                                                 "logistics, services, other")
        assert session.scalar(select(func.count()).select_from(Supplier)) == 0
        valid = import_suppliers(session, rows, "valid_rows")
        assert (valid.created, len(valid.rejected)) == (1, 1)
        with pytest.raises(ValueError, match="mode must be one of"):
            import_suppliers(session, rows, "some")


def test_the_parser_reports_every_reason_of_a_row() -> None:
    from modules.procurement.supplier import parse_supplier
    with pytest.raises(RowRejected) as info:
        parse_supplier({"code": "", "name": "x", "category": "it", "rating": "9", "email": "nope"})
    assert info.value.reasons == ["code: required", "rating: must be at most 5",
                                  "email: 'nope' is not an e-mail address"]


def test_a_rejected_or_cancelled_supplier_may_be_proposed_again_under_its_code(db: Engine) -> None:
    with Session(db) as session:
        register_supplier(call(session, 1), RegisterSupplier("S1", "Acme", "it"))
        set_supplier_status(call(session, 1), SetSupplierStatus("S1", "rejected"))
        again = register_supplier(call(session, 2), RegisterSupplier("S1", "Acme Trading", "office", contact="Amy"))
        row = session.scalar(select(Supplier))
        assert (again["id"], row.name, row.category, row.contact, row.status, row.instance_id) == \
               (row.id, "Acme Trading", "office", "Amy", "pending", 2)
        with pytest.raises(ValueError, match="already taken"):
            register_supplier(call(session, 3), RegisterSupplier("S1", "Third", "it"))


def test_withdrawing_an_onboarding_cancels_only_the_supplier_it_left_pending(db: Engine) -> None:
    with Session(db) as session:
        register_supplier(call(session, 1), RegisterSupplier("S1", "Acme", "it"))
        register_supplier(call(session, 2), RegisterSupplier("S2", "Beta", "it"))
        set_supplier_status(call(session, 2), SetSupplierStatus("S2", "active"))
        assert withdraw_onboarding(call(session, 1), {}) == {"supplier": "S1", "status": "cancelled"}
        assert withdraw_onboarding(call(session, 2), {}) is None, "an active supplier stays active"
        assert withdraw_onboarding(call(session, 3), {}) is None, "an onboarding that registered nobody"
        assert {s.code: s.status for s in session.scalars(select(Supplier))} == {
            "S1": "cancelled", "S2": "active"}
