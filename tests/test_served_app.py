"""`python app.py` for real, as `make run` starts it: a production WSGI server (waitress, threads) on
the demo database, the scheduler embedded in the same process, and Ctrl-C or SIGTERM stopping both.

Driven over a socket like any client: a purchase request started by alice and approved by bob.
"""
from __future__ import annotations

import signal
import socket
import time
from datetime import timedelta
from pathlib import Path

from adversarial.served import Server, tokens
from sqlalchemy.orm import Session

from engine import Job, add_job, make_engine, utcnow

REQUEST = {"item": "Monitor", "supplier": "Dell", "quantity": 2, "unit_price": 1500, "reason": "a second screen"}


def _failing_job(url: str) -> int:
    """A job the scheduler fails at its next poll (no handler): only the server's own scheduler can."""
    db = make_engine(url)
    with Session(db) as session, session.begin():
        job = add_job(session, "no-such-kind", utcnow() - timedelta(seconds=1), max_attempts=1)
        session.flush()
        job_id = job.id
    db.dispose()
    return job_id


def _status(url: str, job_id: int, seconds: float = 20) -> str | None:
    """The job's status once the scheduler finished with it (or as it is when `seconds` ran out)."""
    db = make_engine(url)
    deadline = time.monotonic() + seconds
    try:
        while True:
            with Session(db) as session:
                job = session.get(Job, job_id)
                status = job.status if job is not None else None
            if status == "failed" or time.monotonic() > deadline:
                return status
            time.sleep(0.3)
    finally:
        db.dispose()


def test_app_py_serves_an_approval_with_waitress_and_the_scheduler_beside_it(served_db: str, tmp_path: Path) -> None:
    server = Server(served_db, tmp_path / "instance", OPSFLOW_SCHEDULER="embedded", OPSFLOW_SCHEDULER_POLL="1").start()
    try:
        keys = tokens(served_db, "alice", "bob")
        status, started = server.call("POST", "/api/v1/process-instances", keys["alice"],
                                      {"process": "purchase_approval", "data": REQUEST})
        assert status == 201, started
        [task] = [t["id"] for t in started["tasks"] if t["status"] == "open"]
        status, done = server.call("POST", f"/api/v1/tasks/{task}/complete", keys["bob"],
                                   {"data": {"decision": "approve", "comment": "fine"}})
        assert status == 200, done
        assert done["status"] == "completed" and done["data"]["purchase_order"]["number"].startswith("PO-")
        status, inbox = server.call("GET", "/api/v1/tasks", keys["bob"])
        assert status == 200 and task not in [t["id"] for t in inbox["items"]]

        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = raw.recv(4096).decode(errors="replace")
        assert "\r\nServer: OpsFlow\r\n" in head, head  # waitress, not Werkzeug's development server

        assert _status(served_db, _failing_job(served_db)) == "failed"  # no scheduler runs but the server's own

        assert server.stop(signal.SIGTERM) == 0
        assert "Traceback" not in server.output(), server.output()
        assert _status(served_db, _failing_job(served_db), seconds=3) == "pending"  # it stopped with the server
    finally:
        server.kill()


def test_ctrl_c_stops_the_server_and_its_scheduler_cleanly(served_db: str, tmp_path: Path) -> None:
    server = Server(served_db, tmp_path / "instance", OPSFLOW_SCHEDULER="embedded", OPSFLOW_SCHEDULER_POLL="1").start()
    try:
        assert server.call("GET", "/login")[0] == 200
        started = time.monotonic()
        assert server.stop(signal.SIGINT) == 0, server.output()[-4000:]  # stacks of what hung, if anything did
        assert time.monotonic() - started < 10
        assert "Traceback" not in server.output(), server.output()
    finally:
        server.kill()
