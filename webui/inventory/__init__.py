"""Inventory screens: items (with Excel import), stock per warehouse, reservations and stock moves."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.inventory import WAREHOUSES, Item, Reservation, Stock, StockMove, import_items

from ..records import Column, Filter, ListSpec, add_list

bp = Blueprint("inventory", __name__)

add_list(bp, ListSpec(
    name="items", title=_l("Items"), model=Item, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("category", _l("Category")),
             Column("unit", _l("Unit")), Column("unit_cost", _l("Unit cost"), "money"),
             Column("preferred_supplier", _l("Preferred supplier")), Column("status", _l("Status"), "status")),
    search=("code", "name", "category", "preferred_supplier"),
    filters=(Filter("status", _l("Status"), ("active", "inactive")),),
    importer=import_items,
    import_columns=("code", "name", "category", "unit", "unit_cost", "preferred_supplier", "status"),
))
add_list(bp, ListSpec(
    name="stock", title=_l("Stock per warehouse"), model=Stock, key="id", order_by="item_code",
    columns=(Column("item_code", _l("Item")), Column("warehouse", _l("Warehouse")),
             Column("on_hand", _l("On hand"), "number"), Column("reserved", _l("Reserved"), "number")),
    search=("item_code",), filters=(Filter("warehouse", _l("Warehouse"), WAREHOUSES),),
))
add_list(bp, ListSpec(
    name="reservations", title=_l("Reservations"), model=Reservation, key="id", order_by="created_at",
    descending=True,
    columns=(Column("id", _l("Number")), Column("item_code", _l("Item")), Column("warehouse", _l("Warehouse")),
             Column("quantity", _l("Quantity"), "number"), Column("status", _l("Status"), "status"),
             Column("reference", _l("Reference")), Column("created_at", _l("Created"), "date")),
    search=("item_code", "reference"), filters=(Filter("status", _l("Status"), ("reserved", "short", "issued")),),
))
add_list(bp, ListSpec(
    name="moves", title=_l("Stock moves"), model=StockMove, key="id", order_by="created_at", descending=True,
    columns=(Column("id", _l("Number")), Column("item_code", _l("Item")), Column("warehouse", _l("Warehouse")),
             Column("quantity", _l("Quantity"), "number"), Column("kind", _l("Kind")),
             Column("reference", _l("Reference")), Column("created_at", _l("Created"), "date")),
    search=("item_code", "reference"), filters=(Filter("kind", _l("Kind"), ("receipt", "issue")),),
))
