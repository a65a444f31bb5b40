"""procurement.request_purchase: a requisition with its lines starts one purchase_approval, however often retried.

A one-step flow calls the operation, so the purchase request starts in the caller's transaction as
order_handling's does; the operation is then called again for the same step, as a retry would.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from engine import Actor, Bundle, InstanceView, ProcessInstance, ServiceCall, WorkflowEngine
from engine.parser import SourceFile
from modules.procurement import PurchaseRequisition, RequisitionLine
from modules.procurement.requisition import RequestPurchase, request_purchase

SALES = Actor("sally", groups=frozenset({"sales"}))
LINES = [{"item_code": "MON-27", "item": "27-inch monitor", "quantity": 6, "unit": "pcs", "unit_price": 1200},
         {"item_code": "DOCK-U", "item": "USB-C dock", "quantity": 6, "unit": "pcs", "unit_price": 450}]
SHORTAGE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" targetNamespace="http://t">
<bpmn:process id="shortage" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:serviceTask id="Task_request_purchase"><bpmn:extensionElements>
    <spiffworkflow:serviceTaskOperator id="procurement.request_purchase" resultVariable="requisition">
      <spiffworkflow:parameters>%s</spiffworkflow:parameters>
    </spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>
  <bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_request_purchase" />
  <bpmn:sequenceFlow id="f2" sourceRef="Task_request_purchase" targetRef="end" />
</bpmn:process></bpmn:definitions>"""


def _shortage(engine: WorkflowEngine, **params: Any) -> InstanceView:
    xml = SHORTAGE % "".join(f'<spiffworkflow:parameter id="{name}" type="any" value="{name}" />' for name in params)
    engine.deploy_bundle(Bundle(SourceFile("shortage.bpmn", xml.encode()), (), ()))
    return engine.start("shortage", params, SALES)


def _retry(db: Engine, view: InstanceView, request: RequestPurchase) -> dict[str, Any]:
    with Session(db) as session, session.begin():
        return request_purchase(ServiceCall(session, view.id, "Task_request_purchase", "sally", "shortage"),
                                request)


def test_a_requisition_with_lines_starts_a_purchase_request_listing_them_once(workflow_engine: WorkflowEngine,
                                                                              db: Engine) -> None:
    view = _shortage(workflow_engine, supplier="Dell China", department="Sales", reason="Stock short for SO-1",
                     lines=LINES, business_key="SO-1")
    first = view.data["requisition"]
    again = _retry(db, view, RequestPurchase(supplier="Dell China", department="Sales", reason="x", lines=LINES))
    assert again == first
    purchase = workflow_engine.get(first["purchase_instance_id"])
    assert (purchase.business_key, purchase.data["amount"], purchase.data["item"]) == \
           ("SO-1", 9900, "27-inch monitor, USB-C dock")
    assert [(x["item_code"], x["quantity"]) for x in purchase.data["lines"]] == [("MON-27", 6), ("DOCK-U", 6)]
    [task] = purchase.tasks
    assert task.title == "27-inch monitor, USB-C dock · Dell China", "several lines: no quantity in the title"
    with Session(db) as session:
        [req] = session.scalars(select(PurchaseRequisition)).all()
        assert (req.item, req.quantity, req.unit_price, float(req.amount), req.line_count) == \
               ("27-inch monitor, USB-C dock", 12, None, 9900, 2)
        assert [(x.line_no, x.item_code, float(x.amount)) for x in req.lines] == [(1, "MON-27", 7200),
                                                                                  (2, "DOCK-U", 2700)]
        assert session.scalar(select(func.count()).select_from(RequisitionLine)) == 2
        assert session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.process_key == "purchase_approval")) == 1, "the retry started no second request"


def test_one_item_is_one_line(workflow_engine: WorkflowEngine, db: Engine) -> None:
    view = _shortage(workflow_engine, supplier="Dell China", department="Sales", reason="short",
                     item="27-inch monitor", quantity=6, unit_price=1200, item_code="MON-27")
    purchase = workflow_engine.get(view.data["requisition"]["purchase_instance_id"])
    assert (purchase.data["item"], purchase.data["quantity"], purchase.data["amount"]) == ("27-inch monitor", 6, 7200)
    assert purchase.tasks[0].title == "27-inch monitor × 6 · Dell China"
    with Session(db) as session:
        [req] = session.scalars(select(PurchaseRequisition)).all()
        assert (float(req.unit_price), [(x.item_code, x.quantity) for x in req.lines]) == (1200, [("MON-27", 6)])


def test_a_bad_line_fails_the_step_naming_the_line_and_starts_nothing(workflow_engine: WorkflowEngine,
                                                                      db: Engine) -> None:
    view = _shortage(workflow_engine, supplier="Dell China", department="Sales", reason="short",
                     lines=[LINES[0], {"item": "Dock", "quantity": 0, "unit_price": 450}])
    assert view.status == "error" and "line 2: quantity must be a positive whole number" in view.error_message
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(PurchaseRequisition)) == 0
        assert session.scalar(select(ProcessInstance.process_key).where(
            ProcessInstance.process_key == "purchase_approval")) is None
