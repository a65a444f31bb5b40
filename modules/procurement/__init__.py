"""Procurement: suppliers and their onboarding, contracts, purchase orders with lines, requisitions."""
from datetime import datetime

from sqlalchemy.orm import Session

from engine import ServiceRegistry

from .. import Manifest, ProcessAccess
from .contract import Contract, covering_contracts, expire_contracts, import_contracts
from .purchase_order import CreatePurchaseOrder, PurchaseOrder, PurchaseOrderLine, create_purchase_order
from .requisition import PurchaseRequisition, RequestPurchase, RequisitionLine, request_purchase
from .supplier import (
    RegisterSupplier,
    SetSupplierStatus,
    Supplier,
    import_suppliers,
    register_supplier,
    set_supplier_status,
    withdraw_onboarding,
)

MANIFEST = Manifest(
    name="procurement", depends=(), processes=("purchase_approval", "supplier_onboarding"),
    access={"purchase_approval": ProcessAccess(start=("requesters",), see_all=("finance-directors",),
                                               see_department=("role:manager",)),
            "supplier_onboarding": ProcessAccess(start=("procurement", "procurement-managers", "role:manager"),
                                                 see_all=("procurement", "procurement-managers"))})


def register(registry: ServiceRegistry) -> None:
    registry.register("procurement.create_purchase_order", create_purchase_order, CreatePurchaseOrder)
    registry.register("procurement.register_supplier", register_supplier, RegisterSupplier)
    registry.register("procurement.set_supplier_status", set_supplier_status, SetSupplierStatus)
    registry.register("procurement.request_purchase", request_purchase, RequestPurchase)
    registry.on_cancel("supplier_onboarding", withdraw_onboarding)


def housekeeping(session: Session, now: datetime) -> int:
    """Run by the scheduler: contracts past their last day expire."""
    return expire_contracts(session, now.date())


__all__ = ["MANIFEST", "Contract", "PurchaseOrder", "PurchaseOrderLine", "PurchaseRequisition", "RequisitionLine",
           "Supplier", "covering_contracts", "expire_contracts", "import_contracts", "import_suppliers", "register"]
