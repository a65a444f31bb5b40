"""Production order: material check → materials issued → production → quality check with rework → stock in."""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import Actor, ServiceRegistry, WorkflowEngine
from modules.inventory import Item, Stock, StockMove
from modules.production import BomLine, QualityCheck, WorkOrder

PAT = Actor("pat", groups=frozenset({"production-planners"}))
OLGA = Actor("olga", groups=frozenset({"production"}))
QUINN = Actor("quinn", groups=frozenset({"quality"}))
ORDER = {"product_code": "WS-1", "quantity": 5, "warehouse": "SH-01"}


def seed(db: Engine, boards: int = 20) -> None:
    with Session(db) as session, session.begin():
        for code, name in (("WS-1", "Workstation"), ("MB", "Mainboard"), ("CASE", "Case")):
            session.add(Item(code=code, name=name))
        session.add_all([BomLine(product_code="WS-1", component_code="MB", quantity=1),
                         BomLine(product_code="WS-1", component_code="CASE", quantity=1)])
        session.add_all([Stock(item_code="MB", warehouse="SH-01", on_hand=boards, reserved=0),
                         Stock(item_code="CASE", warehouse="SH-01", on_hand=8, reserved=0)])


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "production_order")


def on_hand(flow: Driver) -> dict[str, int]:
    return {s.item_code: s.on_hand for s in flow.rows(Stock)}


def produce(flow: Driver):
    view = flow.start(ORDER, PAT)
    assert open_names(view) == ["Task_produce"]
    return flow.complete(view, "Task_produce", OLGA)


def test_materials_available_and_quality_passed_books_the_products_in(flow: Driver) -> None:
    seed(flow.db)
    view = flow.start(ORDER, PAT)
    assert on_hand(flow) == {"MB": 15, "CASE": 3}, "materials issued for 5 workstations"
    [wo] = flow.rows(WorkOrder)
    assert (wo.product_code, wo.quantity, wo.status) == ("WS-1", 5, "planned")
    checking = flow.complete(view, "Task_produce", OLGA, comment="done")
    assert open_names(checking) == ["Task_quality_check"]
    done = flow.complete(checking, "Task_quality_check", QUINN, qc_result="pass", qc_inspector="Quinn")
    assert (done.status, done.data["outcome"]) == ("completed", "completed")
    assert on_hand(flow)["WS-1"] == 5 and flow.rows(WorkOrder)[0].status == "completed"
    assert [(q.attempt, q.result) for q in flow.rows(QualityCheck)] == [(1, "pass")]
    assert sorted((m.item_code, m.quantity) for m in flow.rows(StockMove)) == [("CASE", -5), ("MB", -5), ("WS-1", 5)]


def test_failed_quality_check_goes_to_rework_and_is_checked_again(flow: Driver) -> None:
    seed(flow.db)
    checking = produce(flow)
    failed = flow.complete(checking, "Task_quality_check", QUINN, qc_result="fail", qc_inspector="Quinn",
                           qc_notes="loose front panel")
    [rework] = [t for t in failed.tasks if t.status == "open"]
    assert (rework.task_name, rework.candidate_group) == ("Task_rework", "production")
    assert "loose front panel" in rework.title
    assert "WS-1" not in on_hand(flow), "nothing booked in while it fails"
    again = flow.complete(failed, "Task_rework", OLGA, comment="panel refitted")
    assert open_names(again) == ["Task_quality_check"]
    done = flow.complete(again, "Task_quality_check", QUINN, qc_result="pass", qc_inspector="Quinn")
    assert done.status == "completed" and on_hand(flow)["WS-1"] == 5
    assert [(q.attempt, q.result, q.notes) for q in flow.rows(QualityCheck)] == [
        (1, "fail", "loose front panel"), (2, "pass", "")]


def test_material_shortage_waits_for_the_planner_then_checks_again(flow: Driver) -> None:
    seed(flow.db, boards=2)
    view = flow.start(ORDER, PAT)
    [task] = [t for t in view.tasks if t.status == "open"]
    assert task.task_name == "Task_resolve_shortage"
    assert view.data["materials"]["shortages"] == [{"item_code": "MB", "needed": 5, "available": 2}]
    assert on_hand(flow) == {"MB": 2, "CASE": 8}, "nothing issued while short"
    with Session(flow.db) as session, session.begin():
        session.query(Stock).filter(Stock.item_code == "MB").update({"on_hand": 10})
    rechecked = flow.complete(view, "Task_resolve_shortage", PAT, decision="check_again")
    assert open_names(rechecked) == ["Task_produce"] and on_hand(flow) == {"MB": 5, "CASE": 3}


def test_a_shortage_can_cancel_the_work_order(flow: Driver) -> None:
    seed(flow.db, boards=0)
    view = flow.start(ORDER, PAT)
    done = flow.complete(view, "Task_resolve_shortage", PAT, decision="cancel", comment="customer withdrew")
    assert (done.status, done.data["outcome"]) == ("completed", "cancelled")
    assert flow.rows(WorkOrder)[0].status == "cancelled" and flow.rows(StockMove) == []


def test_a_product_without_bill_of_materials_fails_with_the_reason(flow: Driver) -> None:
    seed(flow.db)
    view = flow.engine().start("production_order", {**ORDER, "product_code": "MB"}, PAT)
    assert view.status == "error" and "has no bill of materials" in view.error_message
