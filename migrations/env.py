"""Alembic environment: every OpsFlow table lives on engine.Base's metadata."""
from alembic import context
from sqlalchemy import engine_from_config, pool

import engine.identity  # noqa: F401  (registers the identity tables)
import modules
from engine import Base, configure_engine

modules.ordered()  # importing each module registers its tables
target_metadata = Base.metadata
config = context.config


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    db = configure_engine(engine_from_config(config.get_section(config.config_ini_section, {}),
                                             prefix="sqlalchemy.", poolclass=pool.NullPool))
    with db.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
