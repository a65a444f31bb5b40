"""Partial index of open tasks in inbox order, so an inbox page does not grow with history.

It replaces the (status, group, due) and (status, assignee, due) indexes, which
the planner preferred without statistics and then sorted every open task.

Revision ID: 0005
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_index("ix_human_tasks_open_queue", "human_tasks",
                    [sa.text("(due_at IS NULL)"), "due_at", "created_at", "id", "candidate_group", "assignee",
                     "excluded_user"], sqlite_where=OPEN, postgresql_where=OPEN)
    op.drop_index("ix_human_tasks_group_open", table_name="human_tasks")
    op.drop_index("ix_human_tasks_assignee_open", table_name="human_tasks")


def downgrade() -> None:
    op.create_index("ix_human_tasks_assignee_open", "human_tasks", ["status", "assignee", "due_at"])
    op.create_index("ix_human_tasks_group_open", "human_tasks", ["status", "candidate_group", "due_at"])
    op.drop_index("ix_human_tasks_open_queue", table_name="human_tasks")
