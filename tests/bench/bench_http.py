"""http_e2e: the purchase approval lifecycle over the REST API.

First in process through Flask's test client, then against real servers
(`opsflow serve --workers N`) on PostgreSQL with concurrent clients, one
worker against four.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from engine import make_engine

from .bench_inbox import empty_schema
from .timing import p50, progress, rate

ROOT = Path(__file__).resolve().parents[2]
REQUEST = {"item": "Monitor", "supplier": "Dell", "quantity": 2, "unit_price": 3000, "reason": "bench"}
# the demo budgets would run out after some hundred requests and send the rest to the finance
# director: every lifecycle must take the same path for the rates to be compared
UNLIMITED_BUDGETS = "UPDATE finance_budgets SET amount = 1000000000000"


def _lifecycle(call: Any) -> list[float]:
    """Start a request as alice, approve it as bob; returns the two request latencies in ms."""
    t0 = time.perf_counter()
    started = call("POST", "/api/v1/process-instances", "alice", {"process": "purchase_approval", "data": REQUEST})
    t1 = time.perf_counter()
    task = next(t for t in started["tasks"] if t["status"] == "open")
    done = call("POST", f"/api/v1/tasks/{task['id']}/complete", "bob", {"data": {"decision": "approve"}})
    t2 = time.perf_counter()
    assert done["status"] == "completed", done
    return [(t1 - t0) * 1000, (t2 - t1) * 1000]


def in_process(folder: str) -> Any:
    """The app on a new demo database in `folder`, and a JSON call through its test client as alice or bob."""
    from engine import create_token
    from webui import create_app
    from webui.cli import prepare
    from webui.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/http.db", "TESTING": True})
    prepare(app)
    with app.app_context():
        tokens = {u: create_token(db.session, u, scope="act") for u in ("alice", "bob")}
        db.session.execute(text(UNLIMITED_BUDGETS))
        db.session.commit()
    client = app.test_client()

    def call(method: str, path: str, user: str, body: dict) -> dict:
        r = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {tokens[user]}"})
        assert r.status_code in (200, 201), r.get_data(as_text=True)
        return r.get_json()

    call.app = app  # type: ignore[attr-defined]  # for the same lifecycle without HTTP (bench_served)
    return call


def test_client(seconds: float) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        call = in_process(tmp)
        return rate("test client, SQLite", lambda i: _lifecycle(call), seconds)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _opsflow(env: dict[str, str], *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "webui.cli", *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def served(url: str, workers: int, clients: int, seconds: float) -> dict[str, float]:
    empty_schema(url)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "OPSFLOW_SECRET_KEY": "bench"}
    port = _free_port()
    log = open(Path(tempfile.gettempdir()) / f"opsflow-bench-server-{workers}.log", "w")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, "-m", "webui.cli", "serve", "--port", str(port), "--workers",
                               str(workers)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 180  # migrations, deployment and demo data come first
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {log.name}") from None
                time.sleep(0.2)
        tokens = {u: _opsflow(env, "create-token", u, "--scope", "act").splitlines()[-1] for u in ("alice", "bob")}
        db = make_engine(url)
        with db.begin() as conn:
            conn.execute(text(UNLIMITED_BUDGETS))
        db.dispose()
        latencies: list[float] = []
        done = [0]
        lock = threading.Lock()
        stop = time.perf_counter() + seconds

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

            def call(method: str, path: str, user: str, body: dict) -> dict:
                conn.request(method, path, json.dumps(body), {"Authorization": f"Bearer {tokens[user]}",
                                                               "Content-Type": "application/json"})
                response = conn.getresponse()
                payload = response.read()
                assert response.status in (200, 201), payload
                return json.loads(payload)

            while time.perf_counter() < stop:
                ms = _lifecycle(call)
                with lock:
                    latencies.extend(ms)
                    done[0] += 1
                    progress(f"{workers} worker(s), {clients} clients", done[0])

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        print(file=sys.stderr)
    finally:
        server.terminate()
        server.wait(10)
        log.close()
    latencies.sort()
    return {"per_s": done[0] / elapsed, "p50": p50(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1]}


def http_e2e(pg_url: str | None, seconds: float) -> dict[str, Any]:
    in_process = test_client(seconds)
    if not pg_url:
        return {"metric": "instances/s (test client)", "opsflow": round(in_process), "baseline": "—",
                "ratio": "—", "target": "4 workers >= 3× one; p99 <= 4× p50", "met": False}
    one = served(pg_url, 1, 8, seconds)
    four = served(pg_url, 4, 8, seconds)
    scale = four["per_s"] / one["per_s"]
    tail = four["p99"] / four["p50"]
    return {"metric": "instances/s: test client; 1 → 4 workers (PostgreSQL, 8 clients); p50/p99 ms at 4",
            "opsflow": f"{in_process:.0f}; {one['per_s']:.0f} → {four['per_s']:.0f}; "
                       f"{four['p50']:.0f}/{four['p99']:.0f} ms",
            "baseline": "one worker", "ratio": f"{scale:.2f}×, p99 {tail:.1f}× p50",
            "target": "4 workers >= 3× one; p99 <= 4× p50", "met": scale >= 3 and tail <= 4}
