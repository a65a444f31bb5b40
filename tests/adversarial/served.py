"""A real OpsFlow server for the adversarial tests: `python app.py` on a database of the test's own."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine import create_token, make_engine

ROOT = Path(__file__).resolve().parents[2]


def tokens(url: str, *usernames: str) -> dict[str, str]:
    db = make_engine(url)
    with Session(db) as session, session.begin():
        made = {u: create_token(session, u, scope="act") for u in usernames}
    db.dispose()
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python app.py` for real, as `make run` starts it, on a database of the test's own."""

    def __init__(self, url: str, instance: Path, **env: str) -> None:
        """`env`: settings beside the defaults here (e.g. OPSFLOW_SCHEDULER="embedded", as `make run` has it)."""
        self.url, self.instance, self.port = url, instance, free_port()
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = instance.parent / f"server-{self.port}.log"

    def start(self) -> Server:
        env = {**os.environ, "DATABASE_URL": self.url, "OPSFLOW_PORT": str(self.port), "OPSFLOW_DEMO": "0",
               "OPSFLOW_SCHEDULER": "off", "OPSFLOW_SECRET_KEY": "adversarial", "OPSFLOW_INSTANCE": str(self.instance),
               "PYTHONPATH": str(ROOT), **self.env}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped while starting: {self.output()[-4000:]}"
            # its own word that it serves, before asking: another server may have taken the port meanwhile
            if f":{self.port} (" in self.output():
                try:
                    self.call("GET", "/login")
                    return self
                except OSError:
                    pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not answer within 90 s: {self.output()[-4000:]}")

    def call(self, method: str, path: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data and response.getheader("Content-Type", "").startswith(
                "application/json") else data
        finally:
            conn.close()

    def stop(self, signum: int) -> int:
        """Send `signum` (SIGINT as Ctrl-C does, SIGTERM as a service manager does); the exit status."""
        assert self.process is not None
        self.process.send_signal(signum)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)  # app.py prints every thread's stack
            time.sleep(1)
            raise AssertionError(f"the server did not stop within 30 s: {self.output()[-6000:]}") from None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no clean-up of any kind
            self.process.wait(10)
