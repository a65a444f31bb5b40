"""Celery: the queue and the worker processes that run service steps on other machines.

With `OPSFLOW_SERVICE_WORKERS=celery` a service step records its call and waits; the scheduler puts
the call on the broker (`OPSFLOW_CELERY_BROKER`: RabbitMQ `amqp://…` or Redis `redis://…`) and a
worker started with

    celery -A webui.service_workers worker --loglevel=INFO

runs the operation against the same database and resumes the instance (`engine.integration.workers`).
Messages are acknowledged after the run (`acks_late`) and given back when a worker dies, so a call
is redelivered rather than lost; a second run finds the step answered and does nothing.
"""
from __future__ import annotations

import os
from typing import Any

from celery import Celery
from flask import Flask

from engine import ServiceRegistry, WorkflowEngine, integration, make_engine
from modules import register_all

from . import config

RUN_SERVICE = "opsflow.run_service"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
MODES = ("inline", "celery")

celery = Celery("opsflow")


def configure(broker: str | None = None, queue: str | None = None) -> Celery:
    """Broker and queue from the arguments, else `OPSFLOW_CELERY_BROKER` and `OPSFLOW_CELERY_QUEUE`."""
    celery.conf.update(
        broker_url=broker or os.environ.get("OPSFLOW_CELERY_BROKER") or DEFAULT_BROKER,
        task_default_queue=queue or os.environ.get("OPSFLOW_CELERY_QUEUE") or "opsflow",
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_ignore_result=True, broker_connection_retry_on_startup=True, worker_hijack_root_logger=False)
    return celery


configure()
_engine: list[WorkflowEngine] = []


def worker_engine() -> WorkflowEngine:
    """The worker's engine: the installation's database, field keys and every operation the web app has."""
    if not _engine:
        config.use_field_keys()
        url = os.environ.get("DATABASE_URL", f"sqlite:///{config.INSTANCE / 'opsflow.db'}")
        engine = WorkflowEngine(make_engine(url), integration.http_request.register(register_all(ServiceRegistry())))
        integration.webhooks.subscribe(engine)
        _engine.append(engine)
    return _engine[0]


@celery.task(name=RUN_SERVICE)
def run_service(payload: dict[str, Any]) -> str:
    return integration.workers.run(worker_engine(), payload)


def send(payload: dict[str, Any]) -> None:
    """Put one call on the queue; its key is the Celery task id, so the broker's copies are recognisable."""
    celery.send_task(RUN_SERVICE, args=[payload], task_id=payload["key"], queue=celery.conf.task_default_queue)


def init_app(app: Flask, registry: ServiceRegistry) -> None:
    mode = app.config.get("SERVICE_WORKERS") or "inline"
    if mode not in MODES:
        raise RuntimeError(f"OPSFLOW_SERVICE_WORKERS: {mode!r} is not one of {', '.join(MODES)}")
    if mode == "celery":
        integration.workers.use_sender(send)
        integration.workers.use_workers(registry)
