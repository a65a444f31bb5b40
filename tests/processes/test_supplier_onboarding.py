"""Supplier onboarding: a proposed supplier is pending until documents are checked and a manager approves.

Every way out leaves the supplier in a clear state: active, rejected, or cancelled when someone
cancels the onboarding at either wait state; a rejected or cancelled supplier may be proposed again.
"""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine

from engine import Actor, Forbidden, ServiceRegistry, WorkflowEngine
from modules.procurement import Supplier

PETER = Actor("peter", groups=frozenset({"procurement"}))
CLERK = Actor("clerk", groups=frozenset({"procurement"}))
BOSS = Actor("boss", groups=frozenset({"procurement-managers"}))
ADMIN = Actor("root", roles=frozenset({"admin"}))
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
    first = flow.start(NEW, PETER)
    second = flow.engine().start("supplier_onboarding", NEW, PETER)
    assert second.status == "error" and "already taken" in second.error_message
    assert len(flow.rows(Supplier)) == 1
    flow.engine().cancel(second.id, PETER)
    assert (supplier(flow).status, supplier(flow).instance_id) == ("pending", first.id), \
        "cancelling the failed proposal leaves the other one's supplier alone"


def _cancelled(flow: Driver, view_id: int, actor: Actor) -> None:
    done = flow.engine().cancel(view_id, actor)
    assert done.status == "cancelled" and done.tasks == []
    row = supplier(flow)
    assert (row.status, row.instance_id) == ("cancelled", view_id), "never left pending"
    [event] = [e for e in flow.engine().get(view_id).history if e.kind == "instance_cancelled"]
    assert (event.actor, event.detail["effects"]) == (actor.username, [{"supplier": "S-900", "status": "cancelled"}])


def test_cancelled_while_the_documents_wait_the_supplier_is_cancelled(flow: Driver) -> None:
    view = flow.start(NEW, PETER)
    assert open_names(view) == ["Task_document_check"] and supplier(flow).status == "pending"
    _cancelled(flow, view.id, PETER)


def test_cancelled_by_an_administrator_at_the_manager_the_supplier_is_cancelled(flow: Driver) -> None:
    checked = flow.complete(flow.start(NEW, PETER), "Task_document_check", CLERK, documents="complete")
    assert open_names(checked) == ["Task_manager_approval"] and supplier(flow).status == "pending"
    _cancelled(flow, checked.id, ADMIN)


@pytest.mark.parametrize("ending", ["rejected", "cancelled"])
def test_a_rejected_or_cancelled_supplier_can_be_proposed_again(flow: Driver, ending: str) -> None:
    first = flow.start(NEW, PETER)
    if ending == "rejected":
        flow.complete(first, "Task_document_check", CLERK, documents="missing", comment="no licence")
    else:
        flow.engine().cancel(first.id, PETER)
    assert supplier(flow).status == ending
    again = flow.start({**NEW, "contact": "王经理"}, PETER)
    assert open_names(again) == ["Task_document_check"]
    row = supplier(flow)
    assert (row.status, row.instance_id, row.contact) == ("pending", again.id, "王经理")
    checked = flow.complete(again, "Task_document_check", CLERK, documents="complete")
    assert flow.complete(checked, "Task_manager_approval", BOSS, decision="approve").data["outcome"] == "approved"
    assert [(s.code, s.status) for s in flow.rows(Supplier)] == [("S-900", "active")]
