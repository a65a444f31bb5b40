"""Supplier onboarding: a proposed supplier is pending until documents are checked and a manager approves."""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine

from engine import Actor, Forbidden, ServiceRegistry, WorkflowEngine
from modules.procurement import Supplier

PETER = Actor("peter", groups=frozenset({"procurement"}))
CLERK = Actor("clerk", groups=frozenset({"procurement"}))
BOSS = Actor("boss", groups=frozenset({"procurement-managers"}))
NEW = {"code": "S-900", "name": "苏州精工 Suzhou Precision", "category": "raw_materials", "contact": "陈工",
       "phone": "0512-1234", "email": "sales@szjg.example"}


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "supplier_onboarding")


def supplier(flow: Driver) -> Supplier:
    [row] = flow.rows(Supplier)
    return row


def test_documents_complete_and_approved_makes_the_supplier_active(flow: Driver) -> None:
    view = flow.start(NEW, PETER)
    assert open_names(view) == ["Task_document_check"]
    assert (supplier(flow).status, supplier(flow).instance_id) == ("pending", view.id)
    with pytest.raises(Forbidden):
        flow.complete(view, "Task_document_check", PETER, documents="complete")
    checked = flow.complete(view, "Task_document_check", CLERK, documents="complete")
    assert open_names(checked) == ["Task_manager_approval"] and supplier(flow).status == "pending"
    done = flow.complete(checked, "Task_manager_approval", BOSS, decision="approve")
    assert (done.status, done.data["outcome"]) == ("completed", "approved")
    row = supplier(flow)
    assert (row.code, row.status, row.category, row.contact) == ("S-900", "active", "raw_materials", "陈工")


def test_missing_documents_reject_the_supplier(flow: Driver) -> None:
    view = flow.start(NEW, PETER)
    done = flow.complete(view, "Task_document_check", CLERK, documents="missing", comment="no tax registration")
    assert (done.status, done.data["outcome"]) == ("completed", "rejected")
    assert supplier(flow).status == "rejected"


def test_manager_rejection_rejects_the_supplier(flow: Driver) -> None:
    checked = flow.complete(flow.start(NEW, PETER), "Task_document_check", CLERK, documents="complete")
    done = flow.complete(checked, "Task_manager_approval", BOSS, decision="reject", comment="we have enough")
    assert done.data["outcome"] == "rejected" and supplier(flow).status == "rejected"


def test_a_taken_supplier_code_fails_with_the_reason(flow: Driver) -> None:
    flow.start(NEW, PETER)
    second = flow.engine().start("supplier_onboarding", NEW, PETER)
    assert second.status == "error" and "already taken" in second.error_message
    assert len(flow.rows(Supplier)) == 1
