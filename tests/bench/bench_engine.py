"""Engine benchmarks: kernel overhead, persisted lifecycle, long processes, bytes written per step."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import Actor, Bundle, ProcessInstance, ServiceRegistry, WorkflowEngine, make_engine
from engine.parser import SourceFile, parse_bundle
from engine.scripting import OpsFlowScriptEngine
from engine.workflow import OpsFlowWorkflow
from webui.migrate import upgrade

from .timing import compare, progress
from .workloads import APPROVAL, write_chain
from .write_floor import write_floor

STARTER, APPROVER = Actor("requester"), Actor("approver", frozenset({"approvers"}))


def _raw_spec(path: Path, key: str) -> Any:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    return parser.get_spec(key)


def _lifecycle(wf: BpmnWorkflow, i: int) -> None:
    wf.get_tasks(state=TaskState.READY)[0].data["amount"] = 1000 + i
    wf.do_engine_steps()
    task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data["decision"] = "approve"
    task.run()
    wf.do_engine_steps()
    assert wf.is_completed()


def raw_approval() -> Any:
    spec = _raw_spec(APPROVAL, "bench_approval")
    return lambda i: _lifecycle(BpmnWorkflow(spec), i)


def kernel_approval() -> Any:
    """OpsFlow's kernel without persistence: its parser's spec and the restricted script engine."""
    spec = parse_bundle(SourceFile(str(APPROVAL), APPROVAL.read_bytes()))[0].specs.spec
    registry = ServiceRegistry()
    return lambda i: _lifecycle(BpmnWorkflow(spec, script_engine=OpsFlowScriptEngine(registry)), i)


def _engine(folder: Path, *bpmn: Path) -> WorkflowEngine:
    url = f"sqlite:///{folder}/bench.db"
    upgrade(url)
    eng = WorkflowEngine(make_engine(url), ServiceRegistry())
    for path in bpmn:
        eng.deploy_bundle(Bundle.from_path(path))
    return eng


def persisted_approval(eng: WorkflowEngine) -> Any:
    def run(i: int) -> None:
        view = eng.start("bench_approval", {"amount": 1000 + i}, STARTER)
        assert eng.complete(view.tasks[0].id, APPROVER, {"decision": "approve"}).status == "completed"
    return run


def _walk_chain(eng: WorkflowEngine, key: str, n: int) -> list[float]:
    """Seconds per completion along one instance of a chain of n user tasks."""
    view = eng.start(key, {}, STARTER)
    costs = []
    for _ in range(n):
        task = next(t for t in view.tasks if t.status == "open")
        start = time.perf_counter()
        view = eng.complete(task.id, APPROVER, {})
        costs.append(time.perf_counter() - start)
    assert view.status == "completed"
    return costs


def _raw_chain(path: Path, key: str, n: int) -> list[float]:
    wf = BpmnWorkflow(_raw_spec(path, key))
    wf.do_engine_steps()
    costs = []
    for _ in range(n):
        start = time.perf_counter()
        wf.get_tasks(state=TaskState.READY, manual=True)[0].run()
        wf.do_engine_steps()
        costs.append(time.perf_counter() - start)
    assert wf.is_completed()
    return costs


def long_process(short: int = 20, long: int = 160, rounds: int = 3) -> dict[str, Any]:
    """Mean cost per completion along a long chain against a short one, the two runs alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (k_s, p_s), (k_l, p_l) = write_chain(folder, short), write_chain(folder, long)
        eng = _engine(folder, p_s, p_l)
        ours: dict[int, list[float]] = {short: [], long: []}
        raw: dict[int, list[float]] = {short: [], long: []}
        for r in range(rounds):
            for key, path, n in ((k_s, p_s, short), (k_l, p_l, long)):
                for _ in range(long // n):  # the same number of completions on each side
                    ours[n] += _walk_chain(eng, key, n)
                    raw[n] += _raw_chain(path, key, n)
            progress("long_process rounds", r + 1, rounds)
        print(file=__import__("sys").stderr)
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    ratio = mean(ours[long]) / mean(ours[short])
    raw_ratio = mean(raw[long]) / mean(raw[short])
    return {"metric": f"cost per task at {long} vs {short} tasks", "opsflow": round(ratio, 2),
            "baseline": f"raw SpiffWorkflow {raw_ratio:.2f}", "ratio": round(ratio, 2), "target": "<= 1.5",
            "met": ratio <= 1.5}


def write_per_step(n: int = 20) -> dict[str, Any]:
    """Bytes of state written per completion, against SpiffWorkflow's full serializer JSON."""
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    BpmnWorkflowConverter(OpsFlowWorkflow, registry)  # serialize ours exactly as a BpmnWorkflow
    full = BpmnWorkflowSerializer(registry)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key, path = write_chain(folder, n)
        eng = _engine(folder, path)
        view = eng.start(key, {"note": "x" * 200}, STARTER)
        ours, theirs = [], []
        for _ in range(n):
            task = next(t for t in view.tasks if t.status == "open")
            view = eng.complete(task.id, APPROVER, {})
            with eng.read() as session:
                row = session.scalar(select(ProcessInstance).where(ProcessInstance.id == view.id))
                ours.append(len(row.state.encode()))
                wf = eng.serializer.state_from_json(row.state, eng.definitions.specs(
                    eng.definitions.latest(session, key)), OpsFlowScriptEngine(ServiceRegistry()))
            theirs.append(len(full.serialize_json(wf).encode()))
    growth = ours[-1] / ours[0]
    vs_full = sum(ours) / sum(theirs)
    return {"metric": "state bytes per step; step 20 / step 1", "opsflow": f"{ours[0]} → {ours[-1]} B",
            "baseline": f"full JSON {theirs[0]} → {theirs[-1]} B", "ratio": f"{vs_full:.2f}× full, "
            f"growth {growth:.2f}", "target": "<= 0.5× full; growth <= 1.2", "met": vs_full <= 0.5 and growth <= 1.2}


def engine_overhead(seconds: float) -> dict[str, Any]:
    raw, ours = compare("raw SpiffWorkflow | OpsFlow kernel, persistence off", raw_approval(), kernel_approval(),
                        seconds)
    return {"metric": "approval lifecycles/s", "opsflow": round(ours), "baseline": f"raw {raw:.0f}",
            "ratio": round(ours / raw, 2), "target": ">= 0.9", "met": ours / raw >= 0.9}


def persisted_e2e(seconds: float, floor_runs: int = 500) -> dict[str, Any]:
    """Also measures the write floor, so the ratio can be read against the best one possible."""
    with tempfile.TemporaryDirectory() as tmp:
        eng = _engine(Path(tmp), APPROVAL)
        run = persisted_approval(eng)
        raw, ours = compare("raw SpiffWorkflow in memory | OpsFlow, SQLite WAL, history on", raw_approval(),
                            run, seconds)
        floor = write_floor(eng, Path(tmp) / "bench.db", run, floor_runs)
    best = (1 / raw) / (1 / raw + floor)  # raw's lifecycle plus only the driver's writes
    return {"metric": "completed instances/s", "opsflow": round(ours), "baseline": f"raw {raw:.0f}",
            "ratio": round(ours / raw, 2), "target": ">= 0.33", "met": ours / raw >= 0.33,
            "write_floor_ms": round(floor * 1000, 3), "raw_lifecycle_ms": round(1000 / raw, 3),
            "best_possible_ratio": round(best, 2)}
