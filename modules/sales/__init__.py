"""Sales: customers with credit limits, sales orders and their status from entry to invoice."""
from engine import ServiceRegistry

from .. import Manifest
from .customer import SEGMENTS, Customer, import_customers
from .sales_order import (
    STATUSES,
    CheckCredit,
    CreateSalesOrder,
    SalesOrder,
    SetOrderStatus,
    check_credit,
    create_sales_order,
    set_order_status,
)

# order_handling also calls inventory (reservation, shipping), procurement (requisitions) and finance (invoice)
MANIFEST = Manifest(name="sales", depends=("inventory", "procurement", "finance"), processes=("order_handling",))


def register(registry: ServiceRegistry) -> None:
    registry.register("sales.create_sales_order", create_sales_order, CreateSalesOrder)
    registry.register("sales.check_credit", check_credit, CheckCredit)
    registry.register("sales.set_order_status", set_order_status, SetOrderStatus)


__all__ = ["MANIFEST", "SEGMENTS", "STATUSES", "Customer", "SalesOrder", "import_customers", "register"]
