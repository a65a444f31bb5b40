"""Indexes for speed: open tasks in inbox order, and task timing for the monitor.

The partial index of open tasks keeps an inbox page from growing with history.

It replaces the (status, group, due) and (status, assignee, due) indexes, which
the planner preferred without statistics and then sorted every open task.

Revision ID: 0005
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"  # after the workplace migration rebuilds human_tasks
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def _seconds_expr() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "EXTRACT(EPOCH FROM completed_at - created_at)"
    return "(julianday(completed_at) - julianday(created_at)) * 86400.0"


def upgrade() -> None:
    op.create_index("ix_human_tasks_open_queue", "human_tasks",
                    [sa.text("(due_at IS NULL)"), "due_at", "created_at", "id", "candidate_group", "assignee",
                     "excluded_user"], sqlite_where=OPEN, postgresql_where=OPEN)
    op.drop_index("ix_human_tasks_group_open", table_name="human_tasks")
    op.drop_index("ix_human_tasks_assignee_open", table_name="human_tasks")
    op.add_column("human_tasks", sa.Column("wait_seconds", sa.Float(), nullable=True))
    op.execute("UPDATE human_tasks SET wait_seconds = " + _seconds_expr() + " WHERE completed_at IS NOT NULL")
    op.create_index("ix_human_tasks_timing", "human_tasks", ["process_key", "task_name", "created_at", "status",
                                                             "wait_seconds", "due_at", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_human_tasks_timing", table_name="human_tasks")
    op.drop_column("human_tasks", "wait_seconds")
    op.create_index("ix_human_tasks_assignee_open", "human_tasks", ["status", "assignee", "due_at"])
    op.create_index("ix_human_tasks_group_open", "human_tasks", ["status", "candidate_group", "due_at"])
    op.drop_index("ix_human_tasks_open_queue", table_name="human_tasks")
