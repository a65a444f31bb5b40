"""Procurement: suppliers and purchase orders."""
from engine import ServiceRegistry

from .. import Manifest
from .purchase_order import CreatePurchaseOrder, PurchaseOrder, create_purchase_order

MANIFEST = Manifest(name="procurement", depends=(), processes=("purchase_approval",))


def register(registry: ServiceRegistry) -> None:
    registry.register("procurement.create_purchase_order", create_purchase_order, CreatePurchaseOrder)


__all__ = ["MANIFEST", "PurchaseOrder", "register"]
