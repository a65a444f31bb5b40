"""sales orders with lines and a status history; reservations and stock moves per line of a list

An existing order becomes a one-line order; its item columns move to the line.

Revision ID: 0008
Revises: 0005 (and needs 0004)
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=30), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("shortfall", sa.Integer(), nullable=False),
        sa.Column("purchase_instance_id", sa.Integer(), nullable=True),
        sa.Column("requisition_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["sales_orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "line_no", name="uq_sales_order_line"),
    )
    op.create_index(op.f("ix_sales_order_lines_order_id"), "sales_order_lines", ["order_id"], unique=False)
    op.create_index(op.f("ix_sales_order_lines_item_code"), "sales_order_lines", ["item_code"], unique=False)
    op.create_index(op.f("ix_sales_order_lines_purchase_instance_id"), "sales_order_lines",
                    ["purchase_instance_id"], unique=False)
    op.create_table(
        "sales_order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["sales_orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "status", name="uq_sales_order_event"),
    )
    op.create_index(op.f("ix_sales_order_events_order_id"), "sales_order_events", ["order_id"], unique=False)
    op.execute("INSERT INTO sales_order_lines (order_id, line_no, item_code, quantity, unit_price, amount, "
               "reserved, shortfall) SELECT id, 1, item_code, quantity, unit_price, amount, 0, 0 FROM sales_orders")
    with op.batch_alter_table("sales_orders") as batch:
        batch.add_column(sa.Column("items", sa.String(length=500), nullable=False, server_default=""))
    op.execute("UPDATE sales_orders SET items = item_code || ' ×' || quantity")
    op.execute("UPDATE sales_orders SET status = 'credit_approved' WHERE status = 'confirmed'")
    with op.batch_alter_table("sales_orders") as batch:
        batch.drop_column("item_code")
        batch.drop_column("quantity")
        batch.drop_column("unit_price")
    for table, constraint in (("inventory_reservations", "uq_reservation_origin"),
                              ("inventory_stock_moves", "uq_move_origin")):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("line", sa.Integer(), nullable=False, server_default="1"))
            if table == "inventory_reservations":
                batch.add_column(sa.Column("shortfall", sa.Integer(), nullable=False, server_default="0"))
            batch.drop_constraint(constraint, type_="unique")
            batch.create_unique_constraint(constraint, ["instance_id", "task_name", "attempt", "line"])


def downgrade() -> None:
    for table, constraint in (("inventory_reservations", "uq_reservation_origin"),
                              ("inventory_stock_moves", "uq_move_origin")):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(constraint, type_="unique")
            batch.create_unique_constraint(constraint, ["instance_id", "task_name", "attempt"])
            batch.drop_column("line")
            if table == "inventory_reservations":
                batch.drop_column("shortfall")
    with op.batch_alter_table("sales_orders") as batch:
        batch.add_column(sa.Column("item_code", sa.String(length=30), nullable=False, server_default=""))
        batch.add_column(sa.Column("quantity", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False,
                                   server_default="0"))
    for column in ("item_code", "quantity", "unit_price"):
        op.execute(f"UPDATE sales_orders SET {column} = (SELECT l.{column} FROM sales_order_lines l "
                   "WHERE l.order_id = sales_orders.id AND l.line_no = 1)")
    with op.batch_alter_table("sales_orders") as batch:
        batch.drop_column("items")
    op.drop_table("sales_order_events")
    op.drop_table("sales_order_lines")
