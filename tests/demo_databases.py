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
