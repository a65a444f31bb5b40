"""access policy changes, the append-only audit log, the department an instance is for, four eyes across steps

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The audit log and the event log are never rewritten: both databases refuse UPDATE and DELETE on them.
_LOGS = ("audit_log", "events")
_SQLITE_GUARDS = [
    f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END"""
    for table in _LOGS for verb in ("UPDATE", "DELETE")
]
_PG_GUARDS = [
    """CREATE FUNCTION opsflow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the % table is append-only', TG_TABLE_NAME; END $$""",
    *[f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
          FOR EACH ROW EXECUTE FUNCTION opsflow_append_only()""" for table in _LOGS],
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION opsflow_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "access_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=200), nullable=False),
        sa.Column("right", sa.String(length=30), nullable=False),
        sa.Column("principals", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resource", "right", name="uq_access_grant"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor", "at"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    for statement in _PG_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS:
        op.execute(statement)
    # plain ADD COLUMN (no batch copy of the table): a copy would drop the expression index of open tasks
    op.add_column("process_instances", sa.Column("department", sa.String(length=100), nullable=True))
    op.add_column("events", sa.Column("address", sa.String(length=64), nullable=True))
    op.add_column("human_tasks", sa.Column("four_eyes", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # the triggers first: dropping a column on SQLite copies the table, and its triggers go with the copy
    if postgres:
        op.execute("DROP TRIGGER events_no_change ON events")
    else:
        op.execute("DROP TRIGGER events_no_update")
        op.execute("DROP TRIGGER events_no_delete")
    op.drop_column("human_tasks", "four_eyes")
    op.drop_column("events", "address")
    op.drop_column("process_instances", "department")
    op.drop_table("audit_log")
    if postgres:
        op.execute("DROP FUNCTION opsflow_append_only()")
    op.drop_table("access_grants")
