"""the approver's workplace: task priority, delegations, absences, comments, attachments, drafts,
notifications, saved filters

Revision ID: 0003
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="2"))
        batch_op.create_index("ix_human_tasks_group_priority", ["status", "candidate_group", "priority"])
        batch_op.create_index("ix_human_tasks_assignee_priority", ["status", "assignee", "priority"])
        batch_op.create_index("ix_human_tasks_status_created", ["status", "created_at"])

    op.create_table(
        "task_delegations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_tasks.id"), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("from_user", sa.String(100), nullable=False),
        sa.Column("to_user", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_task_delegations_task_id", "task_delegations", ["task_id"])
    op.create_index("ix_task_delegations_from", "task_delegations", ["from_user", "at"])

    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("deputy", sa.String(100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_absences_user", "absences", ["username", "ends_on"])
    op.create_index("ix_absences_deputy", "absences", ["deputy", "ends_on"])

    op.create_table(
        "instance_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_instance_comments_instance", "instance_comments", ["instance_id", "id"])

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_attachments_instance", "attachments", ["instance_id", "id"])

    op.create_table(
        "task_drafts",
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_tasks.id"), primary_key=True),
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_notifications_user", "notifications", ["username", "read_at", "id"])
    op.create_index("ix_notifications_task_kind", "notifications", ["task_id", "kind", "username"])

    op.create_table(
        "notification_settings",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("email", sa.String(254), nullable=True),
    )

    op.create_table(
        "saved_filters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.UniqueConstraint("username", "name", name="uq_saved_filter_name"),
    )
    op.create_index("ix_saved_filters_username", "saved_filters", ["username"])


def downgrade() -> None:
    for table in ("saved_filters", "notification_settings", "notifications", "task_drafts", "attachments",
                  "instance_comments", "absences", "task_delegations"):
        op.drop_table(table)
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_human_tasks_status_created")
        batch_op.drop_index("ix_human_tasks_assignee_priority")
        batch_op.drop_index("ix_human_tasks_group_priority")
        batch_op.drop_column("priority")
