"""The write floor replays exactly what the engine wrote, or its figure would mean nothing."""
from __future__ import annotations

from pathlib import Path

from tests.bench.bench_engine import _engine, persisted_approval
from tests.bench.workloads import APPROVAL
from tests.bench.write_floor import write_floor


def test_replay_writes_the_rows_the_engine_wrote(tmp_path: Path) -> None:
    eng = _engine(tmp_path, APPROVAL)
    run = persisted_approval(eng)
    run(0)
    seconds = write_floor(eng, tmp_path / "bench.db", run, 5)  # raises if the replay's row counts differ
    assert 0 < seconds < 1
