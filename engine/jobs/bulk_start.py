"""Starting many instances from a sheet: one job, one instance per request, each in its own transaction.

A sheet of requests must not be started inside a web request (hundreds of starts hold a worker for
minutes), so the web layer turns the rows into requests and queues one `bulk_start` job; a scheduler
runs it outside any transaction. Each request goes through `WorkflowEngine.start` exactly as the start
form does (the form's checks, the module's on_start checks, the policy's may_start), so one bad
request is reported and never stops or half-writes the others. Each instance carries the business key
`bulk:<job>:<request>`: a job taken again after its scheduler died finds what it already started and
does not start it twice. Progress is written to the job's payload every few requests so a page can
show how far it is.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidData, OpsFlowError
from ..models import ProcessInstance
from ..views import Actor
from .runner import Job, add_job

BULK_START_JOB = "bulk_start"
PROGRESS_EVERY = 10  # requests between two progress writes
LEASE = timedelta(minutes=30)  # a sheet of thousands of starts; taken again after it, nothing starts twice


def actor_payload(actor: Actor) -> dict[str, Any]:
    """The starter as the job keeps it: the starts are checked against who they were when they sent the sheet."""
    return {"username": actor.username, "groups": sorted(actor.groups), "roles": sorted(actor.roles),
            "department": actor.department}


def _actor(saved: dict[str, Any]) -> Actor:
    return Actor(saved["username"], frozenset(saved.get("groups", ())), frozenset(saved.get("roles", ())),
                 saved.get("department"))


def queue(session: Session, process_key: str, requests: Sequence[dict[str, Any]], actor: Actor,
          now: datetime, *, source: str = "") -> Job:
    """Add the job in the caller's transaction; `requests` are {"data": {...}} and whatever the caller keeps beside
    it to report on (the sheet rows a request came from)."""
    payload = {"process": process_key, "actor": actor_payload(actor), "source": source[:200],
               "requests": [dict(r) for r in requests],
               "done": 0, "results": []}
    return add_job(session, BULK_START_JOB, now, payload, max_attempts=3, now=now)


def progress(job: Job) -> dict[str, Any]:
    """What a page shows of the job: how many requests are done of how many, and whether it finished."""
    payload = job.payload or {}
    total = len(payload.get("requests", []))
    done = total if job.status == "done" else min(int(payload.get("done", 0)), total)
    started = sum(1 for r in payload.get("results") or [] if r.get("instance_id"))
    return {"id": job.id, "status": job.status, "total": total, "done": done, "started": started,
            "failed": done - started, "finished": job.status in ("done", "failed", "skipped", "cancelled"),
            "error": job.last_error}


def results(job: Job) -> list[dict[str, Any]]:
    """Each request's outcome in sheet order: {"rows", "instance_id"} or {"rows", "errors": {field: message}}."""
    return list((job.payload or {}).get("results") or [])


def _already_started(engine: Any, key: str) -> int | None:
    with engine.read() as session:
        return session.scalar(select(ProcessInstance.id).where(ProcessInstance.business_key == key).limit(1))


def _save_progress(engine: Any, job_id: int, outcomes: list[dict[str, Any]]) -> None:
    with engine._write() as session:
        job = session.get(Job, job_id)
        if job is not None:
            job.payload = {**job.payload, "done": len(outcomes), "results": list(outcomes)}


def run(engine: Any, ticket: Any, now: datetime) -> dict[str, Any]:
    """The `bulk_start` job kind: start each request in turn; what it returns is kept as the job's result."""
    payload = ticket.payload
    key, actor = payload["process"], _actor(payload["actor"])
    outcomes: list[dict[str, Any]] = list(payload.get("results") or [])
    for number, request in enumerate(payload["requests"]):
        if number < len(outcomes):
            continue  # done before this job was taken again
        business_key = f"bulk:{ticket.id}:{number + 1}"
        outcome: dict[str, Any] = {"rows": request["rows"]}
        found = _already_started(engine, business_key)
        if found is not None:
            outcome["instance_id"] = found
        else:
            try:
                outcome["instance_id"] = engine.start(key, dict(request["data"]), actor, business_key=business_key).id
            except InvalidData as exc:
                outcome["errors"] = dict(exc.errors)
            except OpsFlowError as exc:
                outcome["errors"] = {"data": str(exc)}
        outcomes.append(outcome)
        if len(outcomes) % PROGRESS_EVERY == 0:
            _save_progress(engine, ticket.id, outcomes)
    _save_progress(engine, ticket.id, outcomes)
    return {"started": sum(1 for o in outcomes if "instance_id" in o), "refused": sum(1 for o in outcomes
                                                                                     if "errors" in o)}
