"""Sales: customers with credit limits, sales orders with lines, and their status from entry to payment."""
from engine import ServiceRegistry

from .. import Manifest, ProcessAccess
from .credit import CheckCredit, check_credit
from .customer import SEGMENTS, Customer, import_customers
from .order_lines import MAX_LINES, LinesRejected, OrderLine, parse_lines
from .order_status import (
    STATUSES,
    LinkPurchases,
    RecordReservation,
    SetOrderStatus,
    link_purchases,
    record_reservation,
    set_order_status,
)
from .sales_order import CreateSalesOrder, SalesOrder, SalesOrderEvent, SalesOrderLine, create_sales_order, order_lines

# order_handling also calls inventory (reservation, shipping), procurement (requisitions) and finance (invoice)
MANIFEST = Manifest(name="sales", depends=("inventory", "procurement", "finance"), processes=("order_handling",),
                    access={"order_handling": ProcessAccess(start=("sales", "Sales-managers"),
                                                            see_all=("sales", "Sales-managers"))})


def register(registry: ServiceRegistry) -> None:
    registry.register("sales.create_sales_order", create_sales_order, CreateSalesOrder)
    registry.register("sales.check_credit", check_credit, CheckCredit)
    registry.register("sales.set_order_status", set_order_status, SetOrderStatus)
    registry.register("sales.record_reservation", record_reservation, RecordReservation)
    registry.register("sales.link_purchases", link_purchases, LinkPurchases)


__all__ = ["MANIFEST", "MAX_LINES", "SEGMENTS", "STATUSES", "Customer", "LinesRejected", "OrderLine", "SalesOrder",
           "SalesOrderEvent", "SalesOrderLine", "import_customers", "order_lines", "parse_lines", "register"]
