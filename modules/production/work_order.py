"""Work orders, their one-level bill of materials, and quality checks.

A work order makes `quantity` of a product in a warehouse; its materials are
the BOM lines times the quantity. Quality checks are kept per attempt, so a
rework loop leaves a record of every check, failed or passed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from engine import Base, ServiceCall
from modules.inventory import stock_of

from .. import made_by_step

STATUSES = ("planned", "material_short", "in_production", "quality_check", "rework", "completed", "cancelled")


class BomLine(Base):
    __tablename__ = "production_bom_lines"
    __table_args__ = (UniqueConstraint("product_code", "component_code", name="uq_bom_line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_code: Mapped[str] = mapped_column(String(30), index=True)
    component_code: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[float] = mapped_column(Numeric(12, 3))  # per unit of product


class WorkOrder(Base):
    __tablename__ = "production_work_orders"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", name="uq_work_order_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    product_code: Mapped[str] = mapped_column(String(30), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    warehouse: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True, default="planned")
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class QualityCheck(Base):
    __tablename__ = "production_quality_checks"
    __table_args__ = (UniqueConstraint("instance_id", "task_name", "attempt", name="uq_quality_check_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order: Mapped[str] = mapped_column(String(30), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(10))  # pass, fail
    inspector: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(String(2000), default="")
    instance_id: Mapped[int] = mapped_column(index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class CreateWorkOrder:
    product_code: str
    quantity: int
    warehouse: str


def create_work_order(call: ServiceCall, req: CreateWorkOrder) -> dict[str, Any]:
    """Idempotent per (instance, task); refuses a product without a bill of materials."""
    wo = made_by_step(call, WorkOrder)
    if wo is None:
        if req.quantity <= 0:
            raise ValueError("quantity must be positive")
        if call.session.scalar(select(BomLine.id).where(BomLine.product_code == req.product_code)) is None:
            raise ValueError(f"product {req.product_code} has no bill of materials")
        now = call.now
        wo = WorkOrder(number=f"WO-{now:%Y%m%d}-{call.instance_id:06d}", product_code=req.product_code,
                       quantity=req.quantity, warehouse=req.warehouse, instance_id=call.instance_id,
                       task_name=call.task_name, created_at=now)
        call.session.add(wo)
        call.session.flush()
    return {"number": wo.number, "product_code": wo.product_code, "quantity": wo.quantity}


@dataclass(frozen=True)
class CheckMaterials:
    work_order: str


def check_materials(call: ServiceCall, req: CheckMaterials) -> dict[str, Any]:
    """What the order needs of each component, and what is short in its warehouse (read-only)."""
    wo = _work_order(call, req.work_order)
    materials, shortages = [], []
    for line in call.session.scalars(select(BomLine).where(BomLine.product_code == wo.product_code)
                                      .order_by(BomLine.component_code)):
        needed = int(round(float(line.quantity) * wo.quantity))
        available = stock_of(call.session, line.component_code, wo.warehouse).available
        materials.append({"item_code": line.component_code, "quantity": needed})
        if available < needed:
            shortages.append({"item_code": line.component_code, "needed": needed, "available": available})
    return {"available": not shortages, "materials": materials, "shortages": shortages}


@dataclass(frozen=True)
class RecordQualityCheck:
    work_order: str
    result: str
    inspector: str
    attempt: int
    notes: str = ""


def record_quality_check(call: ServiceCall, req: RecordQualityCheck) -> dict[str, Any]:
    """One row per attempt; a retried step returns the row it already wrote."""
    if req.result not in ("pass", "fail"):
        raise ValueError("result must be pass or fail")
    qc = call.session.scalar(select(QualityCheck).where(
        QualityCheck.instance_id == call.instance_id, QualityCheck.task_name == call.task_name,
        QualityCheck.attempt == req.attempt))
    if qc is None:
        _work_order(call, req.work_order)
        qc = QualityCheck(work_order=req.work_order, attempt=req.attempt, result=req.result,
                          inspector=req.inspector, notes=req.notes, instance_id=call.instance_id,
                          task_name=call.task_name, created_at=call.now)
        call.session.add(qc)
        call.session.flush()
    return {"id": qc.id, "attempt": qc.attempt, "result": qc.result}


@dataclass(frozen=True)
class SetWorkOrderStatus:
    work_order: str
    status: str


def set_work_order_status(call: ServiceCall, req: SetWorkOrderStatus) -> dict[str, Any]:
    if req.status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    wo = _work_order(call, req.work_order)
    wo.status = req.status
    return {"number": wo.number, "status": wo.status}


def _work_order(call: ServiceCall, number: str) -> WorkOrder:
    wo = call.session.scalar(select(WorkOrder).where(WorkOrder.number == number))
    if wo is None:
        raise ValueError(f"no work order {number}")
    return wo
