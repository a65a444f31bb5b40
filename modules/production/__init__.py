"""Production: work orders, one-level bills of materials, quality checks with rework."""
from engine import ServiceRegistry

from .. import Manifest, ProcessAccess
from .work_order import (
    STATUSES,
    BomLine,
    CheckMaterials,
    CreateWorkOrder,
    QualityCheck,
    RecordQualityCheck,
    SetWorkOrderStatus,
    WorkOrder,
    check_materials,
    create_work_order,
    record_quality_check,
    set_work_order_status,
)

# production_order also calls inventory to issue materials and book finished goods in
MANIFEST = Manifest(name="production", depends=("inventory",), processes=("production_order",),
                    access={"production_order": ProcessAccess(
                        start=("production", "production-planners"),
                        see_all=("production", "production-planners", "quality"))})


def register(registry: ServiceRegistry) -> None:
    registry.register("production.create_work_order", create_work_order, CreateWorkOrder)
    registry.register("production.check_materials", check_materials, CheckMaterials, reads_only=True)
    registry.register("production.record_quality_check", record_quality_check, RecordQualityCheck)
    registry.register("production.set_work_order_status", set_work_order_status, SetWorkOrderStatus)


__all__ = ["MANIFEST", "STATUSES", "BomLine", "QualityCheck", "WorkOrder", "register"]
