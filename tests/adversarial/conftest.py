"""Fixtures of the races and crashes of the adversarial suite: a real server on a database of its own."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from served import Server


@pytest.fixture
def server(served_db: str, tmp_path: Path) -> Iterator[Server]:
    started = Server(served_db, tmp_path / "instance")
    yield started
    started.kill()
