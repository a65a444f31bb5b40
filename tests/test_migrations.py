"""The migrations build exactly the schema the models declare, on SQLite and on PostgreSQL.

A column added to a model without a migration would work in tests that create
tables from the models and fail on a customer's upgraded database.
"""
from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import modules  # noqa: F401  (every module's tables on the metadata)
import webui  # noqa: F401
from engine import Base


def test_the_migrated_database_matches_the_models(db: Engine) -> None:
    with db.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # expression indexes cannot be reflected, so are not compared
        drift = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert drift == []


def test_the_expression_index_of_open_tasks_survives_every_migration(db: Engine) -> None:
    """Reflection cannot see it (so the comparison above cannot), and a batch copy of the table drops it."""
    query = ("SELECT name FROM sqlite_master WHERE type = 'index'" if db.dialect.name == "sqlite"
             else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    with db.connect() as conn:
        names = set(conn.exec_driver_sql(query).scalars())
    assert "ix_human_tasks_open_queue" in names
