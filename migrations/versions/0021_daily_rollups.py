"""the monitor's daily roll-ups of finished tasks and instances, and the rows of sealed days still moving

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_state",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("sealed_until", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "task_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("span", sa.String(5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("task_name", sa.String(200), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("final", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("wait_sum", sa.Float(), nullable=False),
        sa.Column("wait_max", sa.Float(), nullable=True),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("breached", sa.Integer(), nullable=False),
        sa.Column("late_sum", sa.Float(), nullable=False),
        sa.Column("claim_hist", sa.Text(), nullable=False),
        sa.Column("work_hist", sa.Text(), nullable=False),
    )
    op.create_index("ux_task_days_key", "task_days",
                    ["process_key", "span", "day", "task_name", "definition_id", "department"], unique=True)
    op.create_table(
        "instance_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("span", sa.String(5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("final", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("cycled", sa.Integer(), nullable=False),
        sa.Column("cycle_sum", sa.Float(), nullable=False),
    )
    op.create_index("ux_instance_days_key", "instance_days", ["process_key", "span", "day", "department"], unique=True)
    op.create_table("rollup_open_tasks", sa.Column("task_id", sa.String(36), primary_key=True))
    op.create_table("rollup_open_instances", sa.Column("instance_id", sa.Integer(), primary_key=True,
                                                       autoincrement=False))


def downgrade() -> None:
    for table in ("rollup_open_instances", "rollup_open_tasks", "instance_days", "task_days", "rollup_state"):
        op.drop_table(table)
