"""Serving OpsFlow: one process with threads (waitress) for the embedded default, or several
worker processes (gunicorn) for the scale-out set-up.

`python app.py` and `opsflow serve` serve with waitress, a production WSGI server in the
process that also runs the embedded scheduler: measured against gunicorn with one worker
and the same threads it serves as fast on SQLite and on PostgreSQL, and unlike gunicorn it
does not fork, so the scheduler started beside it keeps running in the serving process and
Ctrl-C or SIGTERM stops both. `opsflow serve --workers N` runs N gunicorn worker processes
with threads, each creating its own app (own connection pool, own workflow cache; the
version counter on every instance keeps the caches honest across processes).
"""
from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from waitress import create_server

THREADS = 8  # requests served at once: SQLite takes one writer at a time, reads run beside it
STOP_WITHIN = 15.0  # seconds after Ctrl-C or SIGTERM before the process ends whatever still runs


def stop_within(seconds: float = STOP_WITHIN) -> None:
    """End the process `seconds` from now if it has not ended by itself, printing every thread's stack first.

    Stopping waits for the requests under way and the scheduler's poll; should anything hang instead,
    Ctrl-C must still end the server, and the stacks say what hung. Nothing is half-written: whatever
    was under way is rolled back with its transaction, as after a crash.
    """
    def end() -> None:
        print(f"OpsFlow did not stop within {seconds:.0f} s; what its threads were doing:", file=sys.stderr,
              flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        os._exit(1)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


def run_threaded(app: Flask, host: str, port: int, threads: int = THREADS) -> None:
    """Block serving `app` until Ctrl-C or SIGTERM, which both end this call normally."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    server = None
    try:  # a Ctrl-C while the socket is being opened stops the process as one while serving does
        server = create_server(app, host=host, port=port, threads=threads, ident="OpsFlow")
        print(f"OpsFlow serving on http://{host}:{port} ({threads} threads); Ctrl-C stops it", flush=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stop_within()
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.close()


class _Server(BaseApplication):
    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.factory()


def run(factory: Callable[[], Flask], host: str, port: int, workers: int, threads: int = 4) -> None:
    """Block serving until stopped; each worker builds its app after the fork."""
    _Server(factory, {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                      "worker_class": "gthread", "preload_app": False, "accesslog": None,
                      "graceful_timeout": 5}).run()
