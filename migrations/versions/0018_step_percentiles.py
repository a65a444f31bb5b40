"""per-step waiting and working time, and lateness in working hours, on the task rows; the monitor's
instance indexes

Revision ID: 0018
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = ("claim_wait_seconds", "work_seconds", "late_working_seconds")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("human_tasks", sa.Column(name, sa.Float(), nullable=True))
    # rows completed before: the claim splits the wait where it is known; unclaimed, all of it was waiting
    dialect = op.get_bind().dialect.name
    seconds = ("EXTRACT(EPOCH FROM ({b} - {a}))" if dialect == "postgresql"
               else "((julianday({b}) - julianday({a})) * 86400.0)")
    op.execute("UPDATE human_tasks SET "
               f"claim_wait_seconds = CASE WHEN claimed_at IS NULL THEN wait_seconds "
               f"ELSE {seconds.format(a='created_at', b='claimed_at')} END, "
               f"work_seconds = CASE WHEN claimed_at IS NULL THEN 0 "
               f"ELSE {seconds.format(a='claimed_at', b='completed_at')} END "
               "WHERE status = 'completed' AND wait_seconds IS NOT NULL")
    op.create_index("ix_human_tasks_claim_wait", "human_tasks",
                    ["process_key", "task_name", "claim_wait_seconds", "created_at", "late_working_seconds"])
    op.create_index("ix_human_tasks_work", "human_tasks", ["process_key", "task_name", "work_seconds", "created_at"])
    op.create_index("ix_process_instances_started", "process_instances",
                    ["process_key", "created_at", "status", "ended_at"])
    op.create_index("ix_process_instances_ended", "process_instances", ["status", "ended_at", "process_key"])


def downgrade() -> None:
    op.drop_index("ix_process_instances_ended", table_name="process_instances")
    op.drop_index("ix_process_instances_started", table_name="process_instances")
    op.drop_index("ix_human_tasks_work", table_name="human_tasks")
    op.drop_index("ix_human_tasks_claim_wait", table_name="human_tasks")
    with op.batch_alter_table("human_tasks") as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
