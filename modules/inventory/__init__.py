"""Inventory: items, stock per warehouse, reservations and stock moves (shared by sales and production)."""
from engine import ServiceRegistry

from .. import Manifest
from .item import UNITS, WAREHOUSES, Item, Stock, import_items, stock_of, total_on_hand
from .item_lists import IssueItems, ItemList, issue_items, receive_items, reserve_items
from .stock import MoveStock, Reservation, ReserveStock, StockMove, issue_stock, receive_stock, reserve_stock

MANIFEST = Manifest(name="inventory", depends=(), processes=("order_handling", "production_order"))


def register(registry: ServiceRegistry) -> None:
    registry.register("inventory.reserve_stock", reserve_stock, ReserveStock)
    registry.register("inventory.receive_stock", receive_stock, MoveStock)
    registry.register("inventory.issue_stock", issue_stock, MoveStock)
    registry.register("inventory.issue_items", issue_items, IssueItems)
    registry.register("inventory.reserve_items", reserve_items, ItemList)
    registry.register("inventory.receive_items", receive_items, ItemList)


__all__ = ["MANIFEST", "UNITS", "WAREHOUSES", "Item", "Reservation", "Stock", "StockMove", "import_items",
           "register", "stock_of", "total_on_hand"]
