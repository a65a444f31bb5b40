"""Sales screens: customers with credit limits (with Excel import), sales orders with their lines."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.inventory import WAREHOUSES
from modules.sales import SEGMENTS, STATUSES, Customer, SalesOrder, import_customers
from modules.sales.customer import parse_customer

from ..records import Access, Column, Editor, Filter, ListSpec, add_list
from . import order_entry
from .orders import line_sheet, order_context

bp = Blueprint("sales", __name__)
order_entry.register(bp)

add_list(bp, ListSpec(
    name="customers",
    access=Access(read_all=("sales", "Sales-managers", "finance-clerks", "finance-directors"),
                  import_=("Sales-managers",)),
    title=_l("Customers"), model=Customer, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("segment", _l("Segment"), "status"),
             Column("city", _l("City")), Column("contact", _l("Contact")), Column("phone", _l("Phone")),
             Column("credit_limit", _l("Credit limit"), "money"), Column("status", _l("Status"), "status")),
    search=("code", "name", "city", "contact"),
    filters=(Filter("segment", _l("Segment"), SEGMENTS), Filter("status", _l("Status"), ("active", "blocked"))),
    importer=import_customers,
    import_columns=("code", "name", "segment", "contact", "phone", "city", "credit_limit", "status"),
    editor=Editor(parse_customer, ("code", "name", "segment", "contact", "phone", "city", "credit_limit", "status"),
                  choices={"segment": SEGMENTS, "status": ("active", "blocked")}, unique=(("code",),)),
))
add_list(bp, ListSpec(
    name="orders",
    access=Access(read_all=("sales", "Sales-managers", "warehouse", "finance-clerks", "finance-directors"),
                  own="entered_by"),
    title=_l("Sales orders"), model=SalesOrder, key="number", order_by="created_at", descending=True,
    columns=(Column("number", _l("Number")), Column("customer_code", _l("Customer")), Column("items", _l("Items")),
             Column("amount", _l("Amount"), "money"), Column("warehouse", _l("Warehouse")),
             Column("status", _l("Status"), "status"), Column("entered_by", _l("Entered by")),
             Column("created_at", _l("Created"), "date")),
    search=("number", "customer_code", "items"),
    filters=(Filter("status", _l("Status"), STATUSES), Filter("warehouse", _l("Warehouse"), WAREHOUSES)),
    detail_template="sales/order.html", detail_context=order_context, more_sheets=line_sheet,
))
