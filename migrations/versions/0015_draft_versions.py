"""draft versions: a saved draft counts its saves, so a client saving over a newer draft is told (409)

Revision ID: 0015
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_drafts") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("task_drafts") as batch_op:
        batch_op.drop_column("version")
