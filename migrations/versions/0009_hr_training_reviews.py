"""hr: training records and performance reviews

Revision ID: 0009
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hr_training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_number", sa.String(length=30), nullable=False),
        sa.Column("employee_name", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=30), nullable=False),
        sa.Column("course", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("certificate", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("task_name", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id", "task_name", "course", name="uq_training_origin"),
    )
    for column in ("employee_number", "department", "status", "instance_id"):
        op.create_index(op.f(f"ix_hr_training_records_{column}"), "hr_training_records", [column], unique=False)
    op.create_table(
        "hr_performance_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_number", sa.String(length=30), nullable=False),
        sa.Column("employee_name", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("self_assessment", sa.Text(), nullable=False),
        sa.Column("self_rating", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("calibration_note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("employee_number", "period", name="uq_review_employee_period"),
        sa.UniqueConstraint("instance_id"),
    )
    for column in ("employee_number", "department", "period", "rating", "status"):
        op.create_index(op.f(f"ix_hr_performance_reviews_{column}"), "hr_performance_reviews", [column],
                        unique=False)


def downgrade() -> None:
    op.drop_table("hr_performance_reviews")
    op.drop_table("hr_training_records")
