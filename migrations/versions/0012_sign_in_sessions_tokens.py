"""sign-in: sessions that end, failed sign-ins counted, API tokens with a scope and an expiry

Tokens made before this change keep working with scope `act` and expire
90 days after the upgrade.

Revision ID: 0012
Revises: 0011
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from engine.clock import utcnow

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

EXISTING_TOKENS_DAYS = 90


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    for column in ("user_id", "created_at", "last_seen_at"):
        op.create_index(f"ix_login_sessions_{column}", "login_sessions", [column])
    op.create_table(
        "login_failures",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_index("ix_login_failures_last_failure_at", "login_failures", ["last_failure_at"])
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.String(length=100), nullable=True))
    tokens = sa.table("api_tokens", sa.column("name"), sa.column("scope"), sa.column("expires_at"))
    op.execute(tokens.update().values(name="", scope="act",
                                      expires_at=utcnow() + timedelta(days=EXISTING_TOKENS_DAYS)))
    with op.batch_alter_table("api_tokens") as batch_op:
        for column, kind in (("name", sa.String(length=100)), ("scope", sa.String(length=10)),
                             ("expires_at", sa.DateTime())):
            batch_op.alter_column(column, existing_type=kind, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch_op:
        for column in ("revoked_by", "revoked_at", "last_used_at", "expires_at", "scope", "name"):
            batch_op.drop_column(column)
    op.drop_index("ix_login_failures_last_failure_at", table_name="login_failures")
    op.drop_table("login_failures")
    for column in ("last_seen_at", "created_at", "user_id"):
        op.drop_index(f"ix_login_sessions_{column}", table_name="login_sessions")
    op.drop_table("login_sessions")
