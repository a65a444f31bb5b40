"""Procurement screens: suppliers (with Excel import), purchase orders, requisitions."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.procurement import PurchaseOrder, PurchaseRequisition, Supplier, import_suppliers
from modules.procurement.supplier import CATEGORIES, STATUSES

from ..records import Column, Filter, ListSpec, add_list, add_start

bp = Blueprint("procurement", __name__)
add_start(bp, "suppliers/propose", "supplier_onboarding")

add_list(bp, ListSpec(
    name="suppliers", title=_l("Suppliers"), model=Supplier, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("category", _l("Category"), "status"),
             Column("contact", _l("Contact")), Column("phone", _l("Phone")), Column("email", _l("E-mail")),
             Column("rating", _l("Rating"), "rating"), Column("status", _l("Status"), "status")),
    search=("code", "name", "contact"),
    filters=(Filter("status", _l("Status"), STATUSES), Filter("category", _l("Category"), CATEGORIES)),
    importer=import_suppliers,
    import_columns=("code", "name", "category", "contact", "phone", "email", "rating", "status"),
))
add_list(bp, ListSpec(
    name="purchase_orders", title=_l("Purchase orders"), model=PurchaseOrder, key="number", order_by="created_at",
    descending=True,
    columns=(Column("number", _l("Number")), Column("item", _l("Item")), Column("supplier", _l("Supplier")),
             Column("quantity", _l("Quantity"), "number"), Column("amount", _l("Amount"), "money"),
             Column("department", _l("Department")), Column("requested_by", _l("Requester")),
             Column("status", _l("Status"), "status"), Column("created_at", _l("Created"), "date")),
    search=("number", "item", "supplier", "department"),
    filters=(Filter("status", _l("Status"), ("open", "completed")),),
))
add_list(bp, ListSpec(
    name="requisitions", title=_l("Purchase requisitions"), model=PurchaseRequisition, key="id",
    order_by="created_at", descending=True,
    columns=(Column("id", _l("Number")), Column("item", _l("Item")), Column("supplier", _l("Supplier")),
             Column("quantity", _l("Quantity"), "number"), Column("reason", _l("Reason")),
             Column("purchase_instance_id", _l("Purchase request")), Column("created_at", _l("Created"), "date")),
    search=("item", "supplier", "reason"),
))
