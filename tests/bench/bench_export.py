"""excel_export: a 100,000-row task list read from the database and written as .xlsx."""
from __future__ import annotations

import random
import tempfile
import time
from typing import Any

from sqlalchemy import select

from engine import HumanTask
from webui.xlsx import workbook_bytes

from .bench_inbox import _fill, _prepare

COLUMNS = (HumanTask.id, HumanTask.title, HumanTask.process_key, HumanTask.candidate_group, HumanTask.status,
           HumanTask.created_at, HumanTask.due_at, HumanTask.completed_at, HumanTask.completed_by)


def excel_export(rows: int = 100_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = _prepare(f"sqlite:///{tmp}/export.db")
        _fill(db, 0, rows, random.Random(3))
        start = time.perf_counter()
        with db.connect() as conn:
            body = workbook_bytes("Tasks", [c.key for c in COLUMNS], conn.execute(select(*COLUMNS)))
        seconds = time.perf_counter() - start
        db.dispose()
    return {"metric": f"s to export {rows // 1000}k task rows to .xlsx", "opsflow": f"{seconds:.1f} s "
            f"({len(body) // 1024} KiB)", "baseline": "—", "ratio": round(seconds, 1), "target": "<= 10 s",
            "met": seconds <= 10}
