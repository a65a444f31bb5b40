"""served_e2e: the purchase approval lifecycle over a real socket against the server `make run` starts
(`python app.py`: waitress with threads, the scheduler embedded, the demo company seeded), measured in
alternating slices against raw SpiffWorkflow in memory on the same machine.

`python -m tests.bench.bench_served [--pg URL] [--server waitress|gunicorn]` runs it alone;
`--server gunicorn` serves the same app with one gunicorn worker and the same threads instead, the
comparison the embedded default's server was picked by.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine import Bundle, ServiceRegistry, User, WorkflowEngine, create_token, make_engine
from engine.identity import get_or_create_group

from .bench_engine import raw_approval
from .bench_http import REQUEST, UNLIMITED_BUDGETS, _lifecycle, in_process, served
from .bench_inbox import empty_schema
from .timing import compare, p50
from .workloads import APPROVAL

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ("from webui import create_app; from webui.cli import prepare; from webui.server import run, THREADS; "
            "import os; prepare(create_app()); run(create_app, '127.0.0.1', int(os.environ['OPSFLOW_PORT']), "
            "int(os.environ.get('BENCH_WORKERS', '1')), THREADS)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(url: str, server: str = "waitress", workers: int = 1) -> Iterator[tuple[int, dict[str, str]]]:
    """A real server on a fresh database: its port and act tokens for alice and bob."""
    empty_schema(url)
    port = _free_port()
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "DATABASE_URL": url, "OPSFLOW_PORT": str(port), "OPSFLOW_INSTANCE": instance,
               "PYTHONPATH": str(ROOT), "BENCH_WORKERS": str(workers)}
        if server == "waitress" and workers == 1:
            command = [sys.executable, "app.py"]
        elif server == "waitress":
            command = [sys.executable, "-m", "webui.cli", "serve", "--port", str(port), "--workers", str(workers)]
        else:
            command = [sys.executable, "-c", GUNICORN]
        log = open(Path(instance) / "server.log", "w")  # noqa: SIM115
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(process, port, Path(instance) / "server.log")
            db = make_engine(url)
            with Session(db) as session, session.begin():
                tokens = {u: create_token(session, u, scope="act") for u in ("alice", "bob")}
                session.execute(text(UNLIMITED_BUDGETS))
                # the raw baseline's own BPMN beside the shipped flows, bob approving it
                bob = session.scalar(select(User).where(User.username == "bob"))
                bob.groups.append(get_or_create_group(session, "approvers"))
            WorkflowEngine(db, ServiceRegistry()).deploy_bundle(Bundle.from_path(APPROVAL))
            db.dispose()
            yield port, tokens
        finally:
            process.terminate()
            process.wait(30)
            log.close()


def _wait(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 240  # migrations, deployment and the demo company come first
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)


class Client:
    """One keep-alive connection, as a browser or an integration holds one."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = tokens
        self.latencies: dict[str, list[float]] = {"start": [], "complete": []}

    def call(self, method: str, path: str, user: str, body: dict[str, Any]) -> dict[str, Any]:
        self.conn.request(method, path, json.dumps(body), {"Authorization": f"Bearer {self.tokens[user]}",
                                                           "Content-Type": "application/json"})
        response = self.conn.getresponse()
        payload = response.read()
        assert response.status in (200, 201), payload[:500]
        return json.loads(payload)

    def lifecycle(self, i: int = 0) -> None:
        """Start a request as alice, approve it as bob, as the README's "Try it" does."""
        self._run({"process": "purchase_approval", "data": REQUEST})

    def same_bpmn(self, i: int = 0) -> None:
        """The lifecycle of the BPMN raw SpiffWorkflow runs (one approval, a gateway, a script): what serving
        costs beyond the step itself, without the shipped flow's own work (its services, rules, records)."""
        self._run({"process": "bench_approval", "data": {"amount": 1000 + i}})

    def _run(self, body: dict[str, Any]) -> None:
        t0 = time.perf_counter()
        started = self.call("POST", "/api/v1/process-instances", "alice", body)
        t1 = time.perf_counter()
        task = next(t for t in started["tasks"] if t["status"] == "open")
        done = self.call("POST", f"/api/v1/tasks/{task['id']}/complete", "bob", {"data": {"decision": "approve"}})
        t2 = time.perf_counter()
        assert done["status"] == "completed", done["status"]
        self.latencies["start"].append((t1 - t0) * 1000)
        self.latencies["complete"].append((t2 - t1) * 1000)


def one_client(url: str, seconds: float, server: str = "waitress") -> dict[str, float]:
    """Lifecycles/s of one client against the server, and of raw SpiffWorkflow, in alternating slices."""
    with running(url, server) as (port, tokens):
        client = Client(port, tokens)
        for _ in range(20):  # warm the server's caches as a morning's first requests do
            client.lifecycle()
        raw, ours = compare(f"raw SpiffWorkflow | {server} over a socket", raw_approval(), client.lifecycle, seconds,
                            slice_s=0.5)
        tails = _tails(client.latencies)
        plain = Client(port, tokens)
        for i in range(20):
            plain.same_bpmn(i)
        raw_same, same = compare("raw SpiffWorkflow | the same BPMN served", raw_approval(), plain.same_bpmn,
                                 seconds, slice_s=0.5)
    return {"raw": raw, "served": ours, "ratio": ours / raw, **tails,
            "same_bpmn_raw": raw_same, "same_bpmn_served": same, "same_bpmn_ratio": same / raw_same}


def test_client(seconds: float) -> dict[str, float]:
    """The same lifecycle through Flask's test client (no socket, no server), against raw SpiffWorkflow; and
    straight on the app's own engine (no HTTP at all), which tells what serving adds to the flow's own work."""
    with tempfile.TemporaryDirectory() as tmp:
        call = in_process(tmp)
        for _ in range(20):
            _lifecycle(call)
        raw, ours = compare("raw SpiffWorkflow | test client", raw_approval(), lambda i: _lifecycle(call), seconds,
                            slice_s=0.5)
        with call.app.app_context():
            direct = _on_the_engine()
            for i in range(20):
                direct(i)
            raw_engine, engine_only = compare("raw SpiffWorkflow | the app's engine, no HTTP", raw_approval(),
                                              direct, seconds, slice_s=0.5)
    return {"raw": raw, "served": ours, "ratio": ours / raw, "engine_raw": raw_engine, "engine": engine_only,
            "engine_ratio": engine_only / raw_engine}


def _on_the_engine() -> Any:
    """The lifecycle on the engine the app serves with (its services, workplace hooks and notifications in
    place), called directly as alice and bob: the part of a served lifecycle that is the flow's own work."""
    from webui.extensions import actor_for, db, workflow_engine

    eng = workflow_engine()
    alice, bob = (actor_for(db.session.scalar(select(User).where(User.username == u))) for u in ("alice", "bob"))
    db.session.remove()

    def run(i: int) -> None:
        started = eng.start("purchase_approval", dict(REQUEST), alice)
        task = next(t for t in started.tasks if t.status == "open")
        assert eng.complete(task.id, bob, {"decision": "approve"}).status == "completed"
    return run


def _tails(latencies: dict[str, list[float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, values in latencies.items():
        values = sorted(values)
        out[f"{name}_p50"] = p50(values)
        out[f"{name}_p99"] = values[max(0, int(len(values) * 0.99) - 1)]
    return out


def served_e2e(pg_url: str | None, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = one_client(f"sqlite:///{tmp}/served.db", seconds)
    in_process = test_client(seconds)
    row: dict[str, Any] = {
        "metric": "approval lifecycles/s, one client: over a socket to `python app.py` (SQLite); test client",
        "opsflow": f"{sqlite['served']:.1f}; {in_process['served']:.1f}",
        "baseline": f"raw {sqlite['raw']:.0f}; raw {in_process['raw']:.0f}",
        "ratio": f"{sqlite['ratio']:.3f}; {in_process['ratio']:.3f}", "target": ">= 0.1; >= 0.2",
        "met": sqlite["ratio"] >= 0.1 and in_process["ratio"] >= 0.2,
        "p50_p99_ms": {k: round(v, 1) for k, v in sqlite.items() if "_p" in k},
        "same_bpmn": {"served": round(sqlite["same_bpmn_served"], 1), "raw": round(sqlite["same_bpmn_raw"]),
                      "ratio": round(sqlite["same_bpmn_ratio"], 3)},
        "engine_no_http": {"per_s": round(in_process["engine"], 1), "raw": round(in_process["engine_raw"]),
                           "ratio": round(in_process["engine_ratio"], 3),
                           "test_client_share": round(in_process["served"] / in_process["engine"], 2)}}
    if pg_url:  # `opsflow serve --workers 2`, one client against four
        one, four = served(pg_url, 2, 1, seconds), served(pg_url, 2, 4, seconds)
        row["pg_workers_2"] = {"one_client": round(one["per_s"], 1), "four_clients": round(four["per_s"], 1),
                               "scale": round(four["per_s"] / one["per_s"], 2)}
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_served")
    parser.add_argument("--pg", help="PostgreSQL URL (its tables are dropped) instead of a new SQLite file")
    parser.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--test-client", action="store_true", help="through Flask's test client instead")
    args = parser.parse_args(argv)
    if args.test_client:
        print(json.dumps({k: round(v, 3) for k, v in test_client(args.seconds).items()}, indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp:
        figures = one_client(args.pg or f"sqlite:///{tmp}/served.db", args.seconds, args.server)
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
