"""The dependency table of DESIGN.md, checked on the source: who may import what."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "engine": {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "apscheduler",
               "webui", "modules", "rules", "werkzeug"},
    "rules": {"flask", "webui", "modules", "SpiffWorkflow"},
    "modules": {"flask", "webui", "SpiffWorkflow"},
    "webui": {"SpiffWorkflow"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_three_engine_files_and_the_runtime_touch_spiffworkflow() -> None:
    allowed = {"parser.py", "scripting/script_engine.py", "serializer.py", "runtime.py", "tasks.py", "validation.py",
               "workflow.py", "spiff_clock.py", "jobs/timers.py", "jobs/retries.py"}
    users = {p.relative_to(ROOT / "engine").as_posix() for p in (ROOT / "engine").rglob("*.py")
             if "SpiffWorkflow" in imported_roots(p)}
    assert users <= allowed, users - allowed


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport webui.api\n")
    assert imported_roots(bad) & FORBIDDEN["engine"] == {"flask", "webui"}


WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}
# the clock module, and the shim that hands SpiffWorkflow the engine's clock (the wall clock outside a step)
CLOCKS = {ROOT / "engine" / "clock.py", ROOT / "engine" / "spiff_clock.py"}


def wall_clock_reads(path: Path) -> list[int]:
    """Lines that ask the wall clock for the time: `datetime.now()`, `date.today()`, `time.time()`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in WALL_CLOCK]


def test_time_comes_from_the_engines_clock_not_the_wall_clock() -> None:
    """A test that passes today must pass next month: only the clock module and the benchmarks read real time."""
    packages = ("engine", "modules", "rules", "webui", "tests")
    sources = [p for package in packages for p in (ROOT / package).rglob("*.py")]
    offenders = {str(p.relative_to(ROOT)): lines for p in [*sources, ROOT / "app.py"]
                 if p not in CLOCKS and "bench" not in p.relative_to(ROOT).parts and (lines := wall_clock_reads(p))}
    assert offenders == {}


def test_the_wall_clock_checker_sees_a_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from datetime import date, datetime\nx = date.today()\ny = datetime.now(tz=None)\n")
    assert wall_clock_reads(bad) == [2, 3]
