"""Inventory screens: items (with Excel import), stock per warehouse, reservations and stock moves."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.inventory import UNITS, WAREHOUSES, Item, Reservation, Stock, StockMove, import_items
from modules.inventory.item import parse_item

from ..records import Access, Column, Editor, Filter, ListSpec, add_list

bp = Blueprint("inventory", __name__)
# who works with reservations and stock moves: the warehouse and the flows that take or bring stock
STOCK_WORK = Access(read_all=("warehouse", "sales", "Sales-managers", "procurement", "procurement-managers",
                              "production", "production-planners", "quality"))

add_list(bp, ListSpec(
    name="items", access=Access(read_all=("*",), import_=("warehouse", "procurement-managers")),
    title=_l("Items"), model=Item, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("category", _l("Category")),
             Column("unit", _l("Unit")), Column("unit_cost", _l("Unit cost"), "money"),
             Column("preferred_supplier", _l("Preferred supplier")), Column("status", _l("Status"), "status")),
    search=("code", "name", "category", "preferred_supplier"),
    filters=(Filter("status", _l("Status"), ("active", "inactive")),),
    importer=import_items,
    import_columns=("code", "name", "category", "unit", "unit_cost", "preferred_supplier", "status"),
    editor=Editor(parse_item, ("code", "name", "category", "unit", "unit_cost", "preferred_supplier", "status"),
                  choices={"unit": UNITS, "status": ("active", "inactive")}, unique=(("code",),)),
))
add_list(bp, ListSpec(
    name="stock", access=Access(read_all=("*",)),
    title=_l("Stock per warehouse"), model=Stock, key="id", order_by="item_code",
    columns=(Column("item_code", _l("Item")), Column("warehouse", _l("Warehouse")),
             Column("on_hand", _l("On hand"), "number"), Column("reserved", _l("Reserved"), "number")),
    search=("item_code",), filters=(Filter("warehouse", _l("Warehouse"), WAREHOUSES),),
))
add_list(bp, ListSpec(
    name="reservations",
    access=STOCK_WORK,
    title=_l("Reservations"), model=Reservation, key="id", order_by="created_at",
    descending=True,
    columns=(Column("id", _l("Number")), Column("item_code", _l("Item")), Column("warehouse", _l("Warehouse")),
             Column("quantity", _l("Quantity"), "number"), Column("status", _l("Status"), "status"),
             Column("reference", _l("Reference")), Column("created_at", _l("Created"), "date")),
    search=("item_code", "reference"), filters=(Filter("status", _l("Status"), ("reserved", "short", "issued")),),
))
add_list(bp, ListSpec(
    name="moves",
    access=STOCK_WORK,
    title=_l("Stock moves"), model=StockMove, key="id", order_by="created_at", descending=True,
    columns=(Column("id", _l("Number")), Column("item_code", _l("Item")), Column("warehouse", _l("Warehouse")),
             Column("quantity", _l("Quantity"), "number"), Column("kind", _l("Kind")),
             Column("reference", _l("Reference")), Column("created_at", _l("Created"), "date")),
    search=("item_code", "reference"), filters=(Filter("kind", _l("Kind"), ("receipt", "issue")),),
))
