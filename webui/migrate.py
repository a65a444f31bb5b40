"""Schema changes go through Alembic migrations, never `create_all`, so a
deployed database can be upgraded in place on SQLite and PostgreSQL alike."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from .config import use_field_keys

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Apply every branch: modules add their tables in revisions that branch off the initial schema.

    The field keys first: a migration that encrypts a column encrypts what is already there."""
    use_field_keys()
    command.upgrade(alembic_config(url), "heads")


def revision(url: str, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
