"""The benchmark suite (`make bench`, or `python -m tests.bench [--quick] [--pg URL]`).

Each benchmark measures its baseline in the same run and reports the ratio:
machines are noisy, so absolute figures are never compared across runs.
Results: a table on stdout and bench-results/<time>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import time
import traceback
from pathlib import Path

from . import (
    bench_dashboard,
    bench_engine,
    bench_export,
    bench_history,
    bench_http,
    bench_inbox,
    bench_inbox_queue,
    bench_scheduler,
    bench_served,
    bench_timers,
)

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter runs")
    parser.add_argument("--pg", default=os.environ.get("OPSFLOW_BENCH_PG"),
                        help="PostgreSQL URL for the PostgreSQL figures (its tables are dropped)")
    parser.add_argument("--big-queue", action="store_true", help="inbox_one_queue with 1M open tasks, not 100k")
    parser.add_argument("--only", nargs="*", help="names of benchmarks to run (space- or comma-separated)")
    args = parser.parse_args()
    only = [name for arg in args.only or () for name in arg.split(",") if name]
    seconds = 1.5 if args.quick else 4.0
    rows = 100_000 if args.quick else 1_000_000
    queue = 100_000 if args.quick or not args.big_queue else 1_000_000
    suite = {
        "engine_overhead": lambda: bench_engine.engine_overhead(seconds),
        "persisted_e2e": lambda: bench_engine.persisted_e2e(seconds),
        "long_process": lambda: bench_engine.long_process(),
        "write_per_step": lambda: bench_engine.write_per_step(),
        "inbox_query (SQLite)": lambda: bench_inbox.inbox_query("sqlite", rows),
        "inbox_one_queue (SQLite)": lambda: bench_inbox_queue.inbox_one_queue("sqlite", queue),
        "dashboard": lambda: bench_dashboard.dashboard(rows),
        "history_dashboard": lambda: bench_history.history_dashboard(rows),
        "excel_export": lambda: bench_export.excel_export(10_000 if args.quick else 100_000),
        "timer_lateness": lambda: bench_timers.timer_lateness(1.0, 50 if args.quick else 200),
        "timers": lambda: bench_scheduler.timers(args.pg, 3_000 if args.quick else 100_000, 20 if args.quick else 60),
        "http_e2e": lambda: bench_http.http_e2e(args.pg, seconds),
        "served_e2e": lambda: bench_served.served_e2e(args.pg, seconds),
    }
    if args.pg:
        suite["inbox_query (PostgreSQL)"] = lambda: bench_inbox.inbox_query(args.pg, rows)
        suite["inbox_one_queue (PostgreSQL)"] = lambda: bench_inbox_queue.inbox_one_queue(args.pg, queue)
    results: dict[str, dict] = {}
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    saved = out / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    for name, run in suite.items():
        if only and not any(name.startswith(o) for o in only):
            continue
        print(f"== {name}", flush=True)
        try:
            results[name] = run()
        except Exception as exc:  # one broken benchmark must not cost the figures of the others
            traceback.print_exc()
            results[name] = {"metric": "failed", "opsflow": f"{type(exc).__name__}: {exc}"[:200], "baseline": "—",
                             "ratio": "—", "target": "—", "met": False}
        saved.write_text(json.dumps(results, indent=2, default=str))  # after each: a long run keeps what it has
    print()
    print("| benchmark | metric | OpsFlow | baseline | ratio | target | met |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['metric']} | {r['opsflow']} | {r['baseline']} | {r['ratio']} | {r['target']} | "
              f"{'yes' if r['met'] else 'no'} |")


if __name__ == "__main__":
    main()
