"""Fixtures of the races and crashes of the adversarial suite: a real server on a database of its own."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_databases import USE_PG, copy_demo, pg_admin
from served import Server
from sqlalchemy import make_url


@pytest.fixture
def served_db(_demo_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo company for a server this test starts and kills."""
    url = copy_demo(_demo_template, tmp_path, "crash")
    yield url
    if USE_PG:
        pg_admin([f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'])


@pytest.fixture
def server(served_db: str, tmp_path: Path) -> Iterator[Server]:
    started = Server(served_db, tmp_path / "instance")
    yield started
    started.kill()
