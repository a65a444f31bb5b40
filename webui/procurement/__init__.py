"""Procurement screens: suppliers and contracts (with Excel import), purchase orders with lines, requisitions."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.procurement import (
    Contract,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequisition,
    RequisitionLine,
    Supplier,
    import_contracts,
    import_suppliers,
)
from modules.procurement.contract import STATUSES as CONTRACT_STATUSES
from modules.procurement.supplier import CATEGORIES, STATUSES, parse_supplier

from ..records import Access, Column, Editor, Filter, ListSpec, Related, add_list, add_start

bp = Blueprint("procurement", __name__)
add_start(bp, "suppliers/propose", "supplier_onboarding")

CONTRACT = "procurement.contracts_detail"
ORDER = "procurement.purchase_orders_detail"
SUPPLIER = "procurement.suppliers_detail"
VALIDITY = (Column("valid_from", _l("Valid from"), "date"), Column("valid_to", _l("Valid to"), "date"))
LINE_COLUMNS = (Column("line_no", _l("Line"), "number"), Column("item_code", _l("Item code")),
                Column("item", _l("Item")), Column("quantity", _l("Quantity"), "number"), Column("unit", _l("Unit")),
                Column("unit_price", _l("Unit price"), "money"), Column("amount", _l("Amount"), "money"))

add_list(bp, ListSpec(
    name="suppliers",
    access=Access(read_all=("procurement", "procurement-managers", "finance-clerks", "finance-directors",
                            "role:manager"),
                  import_=("procurement-managers",)),
    title=_l("Suppliers"), model=Supplier, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("category", _l("Category"), "status"),
             Column("contact", _l("Contact")), Column("phone", _l("Phone")), Column("email", _l("E-mail")),
             Column("rating", _l("Rating"), "rating"), Column("status", _l("Status"), "status")),
    search=("code", "name", "contact"),
    filters=(Filter("status", _l("Status"), STATUSES), Filter("category", _l("Category"), CATEGORIES)),
    importer=import_suppliers,
    import_columns=("code", "name", "category", "contact", "phone", "email", "rating", "status", "bank_account"),
    details=(Column("bank_account", _l("Bank account")),),  # on the page only, never in the list's export
    editor=Editor(parse_supplier, ("code", "name", "category", "contact", "phone", "email", "rating", "status",
                                   "bank_account"),
                  choices={"category": CATEGORIES, "status": STATUSES, "rating": ("1", "2", "3", "4", "5")},
                  unique=(("code",),)),
    related=(Related("contracts", _l("Contracts"), Contract, "supplier_code", match="code", order_by="valid_from",
                     columns=(Column("number", _l("Number"), link=CONTRACT), Column("title", _l("Title")),
                              *VALIDITY, Column("status", _l("Status"), "status"))),),
))
add_list(bp, ListSpec(
    name="contracts",
    access=Access(read_all=("procurement", "procurement-managers", "finance-clerks", "finance-directors"),
                  import_=("procurement-managers",)),
    title=_l("Contracts"), model=Contract, key="number", order_by="valid_from", descending=True,
    columns=(Column("number", _l("Number")), Column("supplier_code", _l("Supplier code"), link=SUPPLIER),
             Column("supplier_name", _l("Supplier")), Column("title", _l("Title")), *VALIDITY,
             Column("amount_cap", _l("Amount cap"), "money"), Column("committed", _l("Ordered under it"), "money"),
             Column("status", _l("Status"), "status")),
    search=("number", "title", "supplier_code", "supplier_name"),
    filters=(Filter("status", _l("Status"), CONTRACT_STATUSES),),
    importer=import_contracts,
    import_columns=("number", "supplier_code", "title", "valid_from", "valid_to", "amount_cap", "status"),
    related=(Related("orders", _l("Purchase orders"), PurchaseOrder, "contract_number", match="number",
                     order_by="created_at",
                     columns=(Column("number", _l("Number"), link=ORDER), Column("item", _l("Items")),
                              Column("amount", _l("Amount"), "money"), Column("status", _l("Status"), "status"),
                              Column("created_at", _l("Created"), "date"))),),
))
add_list(bp, ListSpec(
    name="purchase_orders",
    access=Access(read_all=("procurement", "procurement-managers", "finance-clerks", "finance-directors"),
                  read_department=("role:manager",),
                  own="requested_by"),
    title=_l("Purchase orders"), model=PurchaseOrder, key="number", order_by="created_at",
    descending=True,
    columns=(Column("number", _l("Number")), Column("item", _l("Items")), Column("supplier", _l("Supplier")),
             Column("line_count", _l("Lines"), "number"), Column("quantity", _l("Quantity"), "number"),
             Column("amount", _l("Amount"), "money"), Column("contract_number", _l("Contract"), link=CONTRACT),
             Column("department", _l("Department")), Column("requested_by", _l("Requester")),
             Column("status", _l("Status"), "status"), Column("created_at", _l("Created"), "date")),
    details=(Column("over_cap_of", _l("Over the cap of contract"), link=CONTRACT),),
    search=("number", "item", "supplier", "department", "contract_number"),
    filters=(Filter("status", _l("Status"), ("open", "completed")),),
    related=(Related("lines", _l("Lines"), PurchaseOrderLine, "order_id", order_by="line_no", export=True,
                     columns=LINE_COLUMNS),),
))
add_list(bp, ListSpec(
    name="requisitions",
    access=Access(read_all=("procurement", "procurement-managers", "sales", "Sales-managers"),
                  read_department=("role:manager",)),
    title=_l("Purchase requisitions"), model=PurchaseRequisition, key="id",
    order_by="created_at", descending=True,
    columns=(Column("id", _l("Number")), Column("item", _l("Items")), Column("supplier", _l("Supplier")),
             Column("line_count", _l("Lines"), "number"), Column("quantity", _l("Quantity"), "number"),
             Column("amount", _l("Amount"), "money"), Column("reason", _l("Reason")),
             Column("purchase_instance_id", _l("Purchase request")), Column("created_at", _l("Created"), "date")),
    search=("item", "supplier", "reason"),
    related=(Related("lines", _l("Lines"), RequisitionLine, "requisition_id", order_by="line_no", export=True,
                     columns=LINE_COLUMNS),),
))
