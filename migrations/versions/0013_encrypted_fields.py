"""field encryption: salary bands and review texts encrypted in place, suppliers' bank accounts

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

from engine import field_crypto

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# (table, column): the values already there are encrypted with the first field key
ENCRYPTED = [("hr_positions", "salary_max"), ("hr_performance_reviews", "self_assessment"),
             ("hr_performance_reviews", "comments"), ("hr_performance_reviews", "calibration_note")]


def _encrypt_existing(table: str, column: str) -> None:
    ring, conn = field_crypto.keyring(), op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
    for row_id, value in rows:
        text = str(value)
        if not text.startswith(field_crypto.PREFIX):
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                         {"v": ring.encrypt(text), "id": row_id})


def upgrade() -> None:
    op.add_column("procurement_suppliers", sa.Column("bank_account", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE hr_positions ALTER COLUMN salary_max TYPE TEXT USING salary_max::text")
    else:
        with op.batch_alter_table("hr_positions") as batch_op:
            batch_op.alter_column("salary_max", type_=sa.Text(), existing_type=sa.Numeric(12, 2))
    for table, column in ENCRYPTED:
        _encrypt_existing(table, column)


def downgrade() -> None:
    ring, conn = field_crypto.keyring(), op.get_bind()
    for table, column in ENCRYPTED:
        for row_id, value in conn.execute(sa.text(f"SELECT id, {column} FROM {table}")).all():
            if value is not None:
                conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
                             {"v": ring.decrypt(value), "id": row_id})
    if conn.dialect.name == "postgresql":
        op.execute("ALTER TABLE hr_positions ALTER COLUMN salary_max TYPE NUMERIC(12, 2) USING salary_max::numeric")
    else:
        with op.batch_alter_table("hr_positions") as batch_op:
            batch_op.alter_column("salary_max", type_=sa.Numeric(12, 2), existing_type=sa.Text())
    op.drop_column("procurement_suppliers", "bank_account")
