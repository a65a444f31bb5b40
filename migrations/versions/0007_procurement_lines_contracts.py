"""procurement: purchase order and requisition lines, supplier contracts

Orders and requisitions now list lines; each existing one gets its single
item as line 1, so every order has lines. Their unit price is kept only for
a one-line order. A purchase order may name the contract it was bought under.

Revision ID: 0007
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LINE_TABLES = (("procurement_purchase_order_lines", "order_id", "procurement_purchase_orders", "uq_po_line_no"),
               ("procurement_requisition_lines", "requisition_id", "procurement_requisitions",
                "uq_requisition_line_no"))


def _line_table(name: str, parent_key: str, parent: str, unique: str) -> None:
    op.create_table(name,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column(parent_key, sa.Integer(), nullable=False),
    sa.Column("line_no", sa.Integer(), nullable=False),
    sa.Column("item_code", sa.String(length=30), nullable=False),
    sa.Column("item", sa.String(length=200), nullable=False),
    sa.Column("quantity", sa.Integer(), nullable=False),
    sa.Column("unit", sa.String(length=20), nullable=False),
    sa.Column("unit_price", sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
    sa.ForeignKeyConstraint([parent_key], [f"{parent}.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint(parent_key, "line_no", name=unique)
    )
    op.create_index(op.f(f"ix_{name}_{parent_key}"), name, [parent_key], unique=False)
    op.execute(f"INSERT INTO {name} ({parent_key}, line_no, item_code, item, quantity, unit, unit_price, amount) "
               f"SELECT id, 1, '', item, quantity, '', unit_price, ROUND(quantity * unit_price, 2) FROM {parent}")


def upgrade() -> None:
    op.create_table("procurement_contracts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("number", sa.String(length=30), nullable=False),
    sa.Column("supplier_code", sa.String(length=30), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("valid_from", sa.Date(), nullable=False),
    sa.Column("valid_to", sa.Date(), nullable=False),
    sa.Column("amount_cap", sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["supplier_code"], ["procurement_suppliers.code"]),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("number")
    )
    op.create_index(op.f("ix_procurement_contracts_status"), "procurement_contracts", ["status"], unique=False)
    op.create_index(op.f("ix_procurement_contracts_supplier_code"), "procurement_contracts", ["supplier_code"],
                    unique=False)
    # the parents first: on SQLite a batch alteration copies and drops the table, and dropping a
    # parent deletes its lines through the foreign key
    with op.batch_alter_table("procurement_purchase_orders") as batch_op:
        batch_op.add_column(sa.Column("contract_number", sa.String(length=30), nullable=True))
        batch_op.alter_column("unit_price", existing_type=sa.Numeric(precision=14, scale=2), nullable=True)
        batch_op.create_index(batch_op.f("ix_procurement_purchase_orders_contract_number"), ["contract_number"],
                              unique=False)
    with op.batch_alter_table("procurement_requisitions") as batch_op:
        batch_op.alter_column("unit_price", existing_type=sa.Numeric(precision=14, scale=2), nullable=True)
    for table in LINE_TABLES:
        _line_table(*table)


def downgrade() -> None:
    # an order of several lines keeps its average unit price
    for name, key, parent, _ in LINE_TABLES:
        op.execute(f"UPDATE {parent} SET unit_price = ROUND((SELECT SUM(amount) FROM {name} l "
                   f"WHERE l.{key} = {parent}.id) / quantity, 2) WHERE unit_price IS NULL")
    for name, key, _, _ in LINE_TABLES:
        op.drop_index(op.f(f"ix_{name}_{key}"), table_name=name)
        op.drop_table(name)
    with op.batch_alter_table("procurement_requisitions") as batch_op:
        batch_op.alter_column("unit_price", existing_type=sa.Numeric(precision=14, scale=2), nullable=False)
    with op.batch_alter_table("procurement_purchase_orders") as batch_op:
        batch_op.drop_index(batch_op.f("ix_procurement_purchase_orders_contract_number"))
        batch_op.alter_column("unit_price", existing_type=sa.Numeric(precision=14, scale=2), nullable=False)
        batch_op.drop_column("contract_number")
    op.drop_index(op.f("ix_procurement_contracts_supplier_code"), table_name="procurement_contracts")
    op.drop_index(op.f("ix_procurement_contracts_status"), table_name="procurement_contracts")
    op.drop_table("procurement_contracts")
