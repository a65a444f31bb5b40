"""Shared fixtures: a real, migrated database for every test.

SQLite by default (a fresh file per test, copied from one migrated
template); PostgreSQL when DATABASE_URL points at it (migrated once, all
tables truncated before each test).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from engine import ServiceRegistry, WorkflowEngine, make_engine
from engine.models import Base
from modules import register_all
from webui.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ROOT / "processes"
PG_URL = os.environ.get("DATABASE_URL", "")
USE_PG = PG_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    if USE_PG:
        db = make_engine(PG_URL)
        with db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.dispose()
        upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(_template_db: str, tmp_path: Path) -> str:
    """A migrated, empty database for this test."""
    if USE_PG:
        db = make_engine(PG_URL)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with db.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()
        return PG_URL
    path = tmp_path / "opsflow.db"
    shutil.copyfile(_template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def registry() -> ServiceRegistry:
    return register_all(ServiceRegistry())


@pytest.fixture
def workflow_engine(db: Engine, registry: ServiceRegistry) -> WorkflowEngine:
    """An engine with the business modules registered and every process in processes/ deployed."""
    eng = WorkflowEngine(db, registry)
    eng.deploy_path(PROCESSES)
    return eng
