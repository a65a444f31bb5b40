"""An OpsFlow process for the outbox crash tests: `python outbox_worker.py DB_URL MODE BANK_URL MARKER [OFFSET]`.

MODE `start` starts one payment (its step commits a call to the bank), writes the instance id to
MARKER and then waits to be killed before anything is sent. MODE `send` is a scheduler: it runs due
jobs until none is left, its clock OFFSET seconds ahead (a later restart, past any lease).
"""
from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

from payment_flow import payment_bundle, payment_registry

from engine import Actor, JobRunner, WorkflowEngine, make_engine, utcnow


def main(url: str, mode: str, bank_url: str, marker: str, offset: str = "0") -> None:
    ahead = timedelta(seconds=float(offset))
    eng = WorkflowEngine(make_engine(url), payment_registry(bank_url), clock=lambda: utcnow() + ahead)
    if mode == "start":
        eng.deploy_bundle(payment_bundle())
        view = eng.start("paying", {"amount": 1250.0}, Actor("rita"))
        Path(marker).write_text(str(view.id))
        while True:  # committed, not sent: the test kills us here
            time.sleep(0.05)
    runner = JobRunner(eng)
    idle = 0
    while idle < 3:
        report = runner.run_due(eng.clock(), "restarted", limit=25)
        idle = idle + 1 if report.claimed == 0 else 0


if __name__ == "__main__":
    main(*sys.argv[1:])
