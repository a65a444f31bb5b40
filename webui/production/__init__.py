"""Production screens: work orders, bills of materials, quality checks; starting a production order."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.production import STATUSES, BomLine, QualityCheck, WorkOrder

from ..records import Access, Column, Filter, ListSpec, add_list, add_start

bp = Blueprint("production", __name__)
add_start(bp, "work_orders/new", "production_order")

add_list(bp, ListSpec(
    name="work_orders", access=Access(read_all=("production", "production-planners", "quality", "warehouse")),
    title=_l("Work orders"), model=WorkOrder, key="number", order_by="created_at",
    descending=True,
    columns=(Column("number", _l("Number")), Column("product_code", _l("Product")),
             Column("quantity", _l("Quantity"), "number"), Column("warehouse", _l("Warehouse")),
             Column("status", _l("Status"), "status"), Column("created_at", _l("Created"), "date")),
    search=("number", "product_code"), filters=(Filter("status", _l("Status"), STATUSES),),
))
add_list(bp, ListSpec(
    name="bom", access=Access(read_all=("production", "production-planners", "quality", "warehouse")),
    title=_l("Bills of materials"), model=BomLine, key="id", order_by="product_code",
    columns=(Column("product_code", _l("Product")), Column("component_code", _l("Component")),
             Column("quantity", _l("Quantity per unit"), "number")),
    search=("product_code", "component_code"),
))
add_list(bp, ListSpec(
    name="quality_checks", access=Access(read_all=("production", "production-planners", "quality")),
    title=_l("Quality checks"), model=QualityCheck, key="id", order_by="created_at",
    descending=True,
    columns=(Column("id", _l("Number")), Column("work_order", _l("Work order")), Column("attempt", _l("Attempt")),
             Column("result", _l("Result"), "status"), Column("inspector", _l("Inspector")),
             Column("notes", _l("Findings")), Column("created_at", _l("Created"), "date")),
    search=("work_order", "inspector", "notes"), filters=(Filter("result", _l("Result"), ("pass", "fail")),),
))
