"""stored monthly operations reports (the reports module's workbooks)

Revision ID: 0020
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("task_name", sa.String(200), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_stored_reports_created", "stored_reports", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_stored_reports_created", table_name="stored_reports")
    op.drop_table("stored_reports")
