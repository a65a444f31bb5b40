"""The migrations build exactly the schema the models declare, on SQLite and on PostgreSQL.

A column added to a model without a migration would work in tests that create
tables from the models and fail on a customer's upgraded database.
"""
from __future__ import annotations

import hashlib
import warnings
from datetime import datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

import modules  # noqa: F401  (every module's tables on the metadata)
import webui  # noqa: F401
from engine import ApiToken, Base, check_token, utcnow
from webui.migrate import alembic_config


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


def test_tokens_made_before_scopes_keep_working_as_act_for_90_days(database_url: str, db: Engine) -> None:
    """Migration 0012 gives the tokens already out there scope `act` and 90 days from the upgrade."""
    config = alembic_config(database_url)
    command.downgrade(config, "0010")
    token = "issued-before-the-upgrade"
    with db.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, roles, active) "
                          "VALUES (1, 'erp', 'ERP', '', '', :yes)"), {"yes": True})
        conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (1, :hash, :at)"),
                     {"hash": hashlib.sha256(token.encode()).hexdigest(), "at": datetime(2025, 1, 1)})
    command.upgrade(config, "heads")
    upgraded_at = utcnow()
    with Session(db) as session:
        row = session.scalar(select(ApiToken))
        assert (row.scope, row.name, row.revoked_at, row.last_used_at) == ("act", "", None, None)
        assert abs(row.expires_at - (upgraded_at + timedelta(days=90))) < timedelta(minutes=5)
        assert check_token(session, token, upgraded_at).user.username == "erp"
        assert check_token(session, token, upgraded_at + timedelta(days=91)).problem == "expired"
