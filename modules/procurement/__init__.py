"""Procurement: suppliers, their onboarding, purchase orders and requisitions from other flows."""
from engine import ServiceRegistry

from .. import Manifest
from .purchase_order import CreatePurchaseOrder, PurchaseOrder, create_purchase_order
from .requisition import PurchaseRequisition, RequestPurchase, request_purchase
from .supplier import (
    RegisterSupplier,
    SetSupplierStatus,
    Supplier,
    import_suppliers,
    register_supplier,
    set_supplier_status,
)

MANIFEST = Manifest(name="procurement", depends=(),
                    processes=("purchase_approval", "supplier_onboarding"))


def register(registry: ServiceRegistry) -> None:
    registry.register("procurement.create_purchase_order", create_purchase_order, CreatePurchaseOrder)
    registry.register("procurement.register_supplier", register_supplier, RegisterSupplier)
    registry.register("procurement.set_supplier_status", set_supplier_status, SetSupplierStatus)
    registry.register("procurement.request_purchase", request_purchase, RequestPurchase)


__all__ = ["MANIFEST", "PurchaseOrder", "PurchaseRequisition", "Supplier", "import_suppliers", "register"]
