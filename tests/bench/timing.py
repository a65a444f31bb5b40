"""Measuring helpers: rates over a time budget, percentiles, and a progress line on stderr."""
from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable


def progress(label: str, done: int, total: int | None = None) -> None:
    tail = f"{done}/{total}" if total else str(done)
    print(f"\r  {label}: {tail}", end="", file=sys.stderr, flush=True)


def rate(label: str, run_one: Callable[[int], None], seconds: float) -> float:
    """Runs per second over at least `seconds` of work."""
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        run_one(done)
        done += 1
        if done % 25 == 0:
            progress(label, done)
    print(file=sys.stderr)
    return done / elapsed


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def compare(label: str, baseline: Callable[[int], None], ours: Callable[[int], None],
            seconds: float, slice_s: float = 0.25) -> tuple[float, float]:
    """Runs per second of a baseline and of ours, measured in alternating slices.

    Alternating keeps a change in machine load (another process starting,
    a CPU slowing down) from landing on one side of the ratio only.
    """
    counts, spent = [0, 0], [0.0, 0.0]
    end = time.perf_counter() + 2 * seconds
    while time.perf_counter() < end:
        for side, fn in enumerate((baseline, ours)):
            start = time.perf_counter()
            while (now := time.perf_counter()) - start < slice_s:
                fn(counts[side])
                counts[side] += 1
            spent[side] += now - start
        progress(label, counts[1])
    print(file=sys.stderr)
    return counts[0] / spent[0], counts[1] / spent[1]
