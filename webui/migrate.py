"""Schema changes go through Alembic migrations, never `create_all`, so a
deployed database can be upgraded in place on SQLite and PostgreSQL alike."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from engine import field_crypto

from .config import use_field_keys

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, field_keys: Path | None = None) -> None:
    """Apply every branch: modules add their tables in revisions that branch off the initial schema.

    The field keys first: a migration that encrypts a column encrypts what is already there, with the
    keys the data will be read with (`field_keys`: a restored backup's own key file, before it is in place)."""
    if field_keys is not None and not os.environ.get(field_crypto.ENV):
        field_crypto.use(field_crypto.from_environment(field_keys))
    else:
        use_field_keys()
    command.upgrade(alembic_config(url), "heads")


def revision(url: str, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
