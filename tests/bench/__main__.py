"""Benchmarks, run on demand (`make bench`): each prints its ratio to a baseline measured in the same run.

Machines are noisy, so only ratios within one run are compared; results go
to bench-results/<timestamp>.json and a table on stdout.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine import Actor, Base, Bundle, ServiceRegistry, WorkflowEngine, make_engine

HERE = Path(__file__).resolve().parent
BPMN = HERE / "approval.bpmn"
ROOT = HERE.parents[1]


def _rate(run_one: Callable[[int], None], seconds: float = 3.0) -> float:
    """Instances per second over at least `seconds` of work, with a progress line."""
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        run_one(done)
        done += 1
        if done % 50 == 0:
            print(f"\r  {done} instances, {done / elapsed:.0f}/s", end="", file=sys.stderr)
    print(file=sys.stderr)
    return done / elapsed


def raw_spiff() -> Callable[[int], None]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BPMN))
    spec = parser.get_spec("bench_approval")

    def run(i: int) -> None:
        wf = BpmnWorkflow(spec)
        wf.get_tasks(state=TaskState.READY)[0].data["amount"] = 1000 + i
        wf.do_engine_steps()
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data["decision"] = "approve"
        task.run()
        wf.do_engine_steps()
        assert wf.is_completed()

    return run


def persisted(db_url: str) -> Callable[[int], None]:
    db = make_engine(db_url)
    Base.metadata.create_all(db)
    eng = WorkflowEngine(db, ServiceRegistry())
    eng.deploy_bundle(Bundle.from_path(BPMN))
    starter, approver = Actor("requester"), Actor("approver", frozenset({"approvers"}))

    def run(i: int) -> None:
        view = eng.start("bench_approval", {"amount": 1000 + i}, starter)
        view = eng.complete(view.tasks[0].id, approver, {"decision": "approve"})
        assert view.status == "completed"

    return run


def main() -> None:
    results = {}
    print("raw SpiffWorkflow, in memory", file=sys.stderr)
    raw = _rate(raw_spiff())
    with tempfile.TemporaryDirectory() as tmp:
        print("OpsFlow engine, SQLite WAL, one transaction per step, history on", file=sys.stderr)
        sqlite = _rate(persisted(f"sqlite:///{tmp}/bench.db"))
    results["persisted_e2e"] = {"raw_per_s": round(raw, 1), "opsflow_per_s": round(sqlite, 1),
                                "ratio": round(sqlite / raw, 3), "target": ">= 0.5"}
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / f"{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=2))
    print(f"{'benchmark':<16} {'baseline/s':>11} {'opsflow/s':>10} {'ratio':>6}  target")
    for name, r in results.items():
        print(f"{name:<16} {r['raw_per_s']:>11} {r['opsflow_per_s']:>10} {r['ratio']:>6}  {r['target']}")


if __name__ == "__main__":
    main()
