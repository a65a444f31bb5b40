"""procurement: the contract a purchase order did not fit under

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procurement_purchase_orders") as batch_op:
        batch_op.add_column(sa.Column("over_cap_of", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("procurement_purchase_orders") as batch_op:
        batch_op.drop_column("over_cap_of")
