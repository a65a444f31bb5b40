"""Service work on other machines: a step's operation runs on a worker, and its result resumes the step.

With a dispatcher set on the registry (`use_workers`), a service step no longer runs its operation:
it records a `service_work` job in its own transaction and waits. After the commit the job system
hands the call to the queue (`enqueue`, through the sender the web layer configures: Celery), retried
with backoff while the broker is away, so a call is never lost between the step and the queue. A
worker takes it and runs `run`: in one transaction it checks the step still waits, runs the
operation (its own rows written in that transaction) and resumes the instance with the result
through the same step path as an inline answer. A second delivery of the same call finds the step
answered and does nothing; a failing operation puts the instance in error with its retry job, as
it would inline. The engine imports no queue library: the sender is a plain function.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..jobs import JobTicket, add_job
from ..services import ServiceCall, ServiceRegistry, Waiting
from ..views import Actor

SERVICE_JOB = "service_work"
Sender = Callable[[dict[str, Any]], None]
_sender: list[Sender] = []


def use_sender(sender: Sender | None) -> None:
    """How calls reach the workers: `sender(payload)` puts one on the queue (raises if it cannot); None: no queue."""
    _sender[:] = [sender] if sender is not None else []


def use_workers(registry: ServiceRegistry) -> ServiceRegistry:
    """Make every service step of engines on `registry` run its operation on a worker."""
    registry.dispatch = dispatch
    return registry


def dispatch(call: ServiceCall, operation: str, params: dict[str, Any]) -> Waiting:
    """In the step's transaction: the call, as a job that puts it on the queue after the commit."""
    payload = {"key": f"svc_{uuid.uuid4().hex}", "instance_id": call.instance_id, "task_id": call.task_id,
               "task_name": call.task_name, "operation": operation, "params": json.loads(json.dumps(params)),
               "actor": call.actor, "process_key": call.process_key}
    add_job(call.session, SERVICE_JOB, call.now, payload, instance_id=call.instance_id, now=call.now)
    return Waiting(f"{operation} on a worker")


def enqueue(engine: Any, ticket: JobTicket, now: datetime) -> dict[str, Any]:
    """The `service_work` job kind: put the call on the queue (a broker that is down means a retry)."""
    if not _sender:
        raise LookupError("no queue for service workers is configured (OPSFLOW_SERVICE_WORKERS=celery)")
    _sender[0](dict(ticket.payload))
    return {"queued": ticket.payload["key"]}


def run(engine: Any, payload: dict[str, Any]) -> str:
    """What a worker does with one call; says `done`, `failed`, `waiting` (the operation's own answer
    comes later, e.g. an http.request through the outbox) or `answered` (nothing left to do)."""
    instance_id, task_id, name = payload["instance_id"], payload["task_id"], payload["operation"]
    op = engine.registry.get(name)
    with engine._write() as session:
        if not engine._service_waiting(session, instance_id, task_id):
            return "answered"

        def start_process(key: str, data: dict[str, Any], business_key: str | None = None) -> int:
            return engine._start_in(session, key, data, Actor(payload["actor"]), business_key)[0].id

        call = ServiceCall(session, instance_id, payload["task_name"], payload["actor"], payload["process_key"],
                           start_process, engine.clock(), task_id)
        try:
            if op is None:
                raise LookupError(f"this worker has no operation {name!r}")
            with session.begin_nested():
                result = op.func(call, op.build_params(payload["params"]))
        except Exception as exc:  # the operation's failure is the instance's, as inline
            engine._fail_waiting_in(session, instance_id, task_id, f"service call {name!r} failed: {exc}")
            outcome = "failed"
        else:
            if isinstance(result, Waiting):
                outcome = "waiting"
            else:
                engine._resume_in(session, instance_id, task_id, json.loads(json.dumps(result or {}, default=str)))
                outcome = "done"
    engine._commit_hooks(session)
    return outcome
