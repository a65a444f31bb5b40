"""Serving OpsFlow with several worker processes (gunicorn), for the scale-out set-up.

`python app.py` keeps Flask's own server for the embedded default; `opsflow
serve --workers N` runs N gunicorn worker processes with threads, each
creating its own app (own connection pool, own workflow cache; the version
counter on every instance keeps the caches honest across processes).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


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
