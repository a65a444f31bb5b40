"""Fresh copies of the prepared demo database, for tests that serve it (a file copy, or a PostgreSQL
database made from the template database) and the statements that make them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.database import make_engine

PG_URL = os.environ.get("DATABASE_URL", "")
USE_PG = PG_URL.startswith("postgresql")
# Under pytest-xdist (`make test` runs two workers) each worker is a process of its own that empties and
# refills its database before every test: each works on a database of its own, named after the one given
# (`…_gw0`, `…_gw1`), made here on first use. What a worker starts (a server, a scheduler) is given the
# worker's URL through the environment.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
GIVEN_PG_URL = PG_URL
if USE_PG and WORKER:
    _given = make_url(PG_URL)
    PG_URL = _given.set(database=f"{_given.database}_{WORKER}").render_as_string(hide_password=False)
    os.environ["DATABASE_URL"] = PG_URL
    _admin = make_engine(_given.render_as_string(hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
    with _admin.connect() as _conn:
        if _conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s",
                                 {"n": make_url(PG_URL).database}).first() is None:
            _conn.exec_driver_sql(f'CREATE DATABASE "{make_url(PG_URL).database}"')
    _admin.dispose()


def pg_admin(statements: list[str]) -> None:
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    admin.dispose()


def copy_demo(template: str, folder: Path, name: str = "run") -> str:
    """A fresh copy of the prepared demo database: a file copy, or CREATE DATABASE … TEMPLATE."""
    if USE_PG:
        copy = f"{template}_{name}"
        pg_admin([f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)', f'CREATE DATABASE "{copy}" TEMPLATE "{template}"'])
        return make_url(PG_URL).set(database=copy).render_as_string(hide_password=False)
    path = folder / "demo.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def drop_worker_database() -> None:
    """At the end of a worker's session: its own database goes, the one given stays."""
    if USE_PG and WORKER:
        admin = make_engine(GIVEN_PG_URL).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(PG_URL).database}" WITH (FORCE)')
        admin.dispose()
