"""The sandbox processes: scripts run there under hard limits, and a stopped process is replaced.

These drive `engine.scripting.sandbox` with real worker processes; test_scripting_limits.py
runs the same limits through BPMN and the WorkflowEngine.
"""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime
from typing import Any

import pytest

from engine import ScriptError
from engine.scripting import sandbox
from engine.scripting.limits import MB, ScriptLimits

QUICK = ScriptLimits(seconds=0.5)
MARGIN = 2.0  # a loaded 2-core machine starts a process slowly; a runaway never stopped takes forever


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    started = time.monotonic()
    try:
        return fn(*args), time.monotonic() - started
    except Exception as exc:  # returned for the test to look at
        return exc, time.monotonic() - started


def test_only_what_the_script_changed_comes_back() -> None:
    data = {"items": [1, 2, 3], "gone": 1, "untouched": {"a": 1}}
    source = "total = sum(x for x in items)\nitems.append(4)\nseen = len(untouched)\ndel gone"
    changed, deleted = sandbox.execute(source, data, {}, QUICK)
    assert changed == {"total": 6, "items": [1, 2, 3, 4], "seen": 1}
    assert deleted == ["gone"]
    assert data == {"items": [1, 2, 3], "gone": 1, "untouched": {"a": 1}}, "the caller's data is not touched"


def test_an_expression_gives_its_value_and_reads_the_outer_context() -> None:
    assert sandbox.evaluate("[n * factor for n in range(3)]", {"factor": 2}, {}, QUICK) == [0, 2, 4]
    assert sandbox.evaluate("dmninputexpr < 5", {}, {"dmninputexpr": 3}, QUICK) is True


def _idle_pids() -> list[int]:
    return [w.proc.pid for w in sandbox.pool()._idle]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_runaway_is_killed_at_the_deadline_and_its_process_replaced() -> None:
    sandbox.execute("x = 1", {}, {}, QUICK)  # at least one process is ready
    ready = _idle_pids()
    error, elapsed = _timed(sandbox.execute, "while True: pass", {}, {}, QUICK)
    assert isinstance(error, ScriptError) and "time limit of 0.5 s" in error.message
    assert QUICK.seconds <= elapsed < QUICK.seconds + MARGIN
    assert len([pid for pid in ready if _gone(pid)]) == 1, "the stopped process is killed and reaped, not left spinning"
    result, elapsed = _timed(sandbox.execute, "y = [1, 2][0]", {}, {}, QUICK)
    assert result == ({"y": 1}, []) and elapsed < MARGIN, "the next script does not wait for the runaway"


def test_other_scripts_go_on_while_one_runs_away() -> None:
    outcome: dict[str, Any] = {}
    runaway = threading.Thread(target=lambda: outcome.setdefault("runaway", _timed(
        sandbox.execute, "while True: pass", {}, {}, ScriptLimits(seconds=2))))
    runaway.start()
    time.sleep(0.2)
    for n in range(5):
        assert sandbox.execute("total = sum(x for x in items)", {"items": [n, 1]}, {}, QUICK) == ({"total": n + 1}, [])
    assert runaway.is_alive(), "the other scripts did not wait for the runaway: it is still running"
    runaway.join(timeout=10)
    error, elapsed = outcome["runaway"]
    assert isinstance(error, ScriptError) and 2 <= elapsed < 2 + MARGIN


@pytest.mark.parametrize("source, words", [
    ("x = 'a' * (300 * 1024 * 1024)", ["memory limit of 64 MB"]),
    ("x = [0] * (10 ** 9)", ["memory limit of 64 MB"]),
    ("x = []\nwhile True:\n    x.append([0] * 10000)", ["memory limit of 64 MB"]),
])
def test_memory_is_capped_and_the_next_script_gets_a_fresh_process(source: str, words: list[str]) -> None:
    limits = ScriptLimits(memory=64 * MB)
    error, elapsed = _timed(sandbox.execute, source, {}, {}, limits)
    assert isinstance(error, ScriptError), error
    assert all(w in error.message for w in words), error.message
    assert elapsed < limits.seconds + MARGIN
    assert sandbox.execute("ok = True", {}, {}, limits) == ({"ok": True}, [])


def test_what_the_script_leaves_is_bounded() -> None:
    error, _ = _timed(sandbox.execute, "small = 1\nbig = 'y' * 2_000_000", {}, {}, ScriptLimits(data=MB))
    assert isinstance(error, ScriptError)
    assert error.message == ("the data the script leaves (big, small) would be 1.9 MB of JSON, above the limit of "
                             "1 MB")
    error, _ = _timed(sandbox.evaluate, "'y' * 2_000_000", {}, {}, ScriptLimits(data=MB))
    assert isinstance(error, ScriptError) and error.message.startswith("the expression's value would be 1.9 MB")


@pytest.mark.parametrize("call, words", [
    (lambda: sandbox.execute("x = {n for n in [1, 2]}", {}, {}, QUICK), ["variable 'x' holds a set", "JSON"]),
    (lambda: sandbox.execute("x = map(str, [1])", {}, {}, QUICK), ["variable 'x' holds a map"]),
    (lambda: sandbox.evaluate("(n for n in [1])", {}, {}, QUICK), ["the expression's value holds a generator"]),
    (lambda: sandbox.execute("y = when", {"when": datetime(2030, 1, 1)}, {}, QUICK),
     ["variable 'when' holds a datetime", "reads plain data only"]),
])
def test_what_is_not_plain_data_is_refused_naming_it(call: Any, words: list[str]) -> None:
    with pytest.raises(ScriptError) as info:
        call()
    assert all(w in info.value.message for w in words), info.value.message


def test_a_failing_script_raises_the_same_exception_with_its_line() -> None:
    with pytest.raises(KeyError) as info:
        sandbox.execute("a = [n for n in [1]]\nb = {}['missing']", {}, {}, QUICK)
    assert info.value.args == ("missing",)
    assert info.value.script_line == 2  # type: ignore[attr-defined]
    with pytest.raises(NameError, match="name 'nowhere' is not defined"):
        sandbox.evaluate("[nowhere for _ in [1]]", {}, {}, QUICK)


@pytest.mark.parametrize("source", ["import os", "x = ().__class__", "raise SystemExit(3)"])
def test_what_deploy_refuses_or_an_exit_fails_the_script_not_the_process(source: str) -> None:
    with pytest.raises((ScriptError, ImportError)):
        sandbox.execute(source, {}, {}, QUICK)
    assert sandbox.execute("fine = 1", {}, {}, QUICK) == ({"fine": 1}, [])
