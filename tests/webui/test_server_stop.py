"""Ctrl-C always ends the server: past the grace period the process ends anyway, saying what hung."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HUNG = """
import threading, time
from webui.server import stop_within

def stuck_poll():
    time.sleep(600)

threading.Thread(target=stuck_poll).start()  # not a daemon: the interpreter's exit would wait for it
stop_within(1)
"""


def test_a_stop_that_hangs_ends_within_the_grace_period_with_every_threads_stack() -> None:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", HUNG], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert time.monotonic() - started < 30
    assert "did not stop within 1 s" in done.stderr
    assert "in stuck_poll" in done.stderr  # the stack of what hung
