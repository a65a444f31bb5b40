"""Durable jobs: timers, retries and scheduled work as rows, run once by any number of schedulers.

A scheduler process calls `JobRunner.run_due(now, worker_id, limit)`. Claiming
takes due rows with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (a guarded
`UPDATE … WHERE claimed_until IS NULL OR claimed_until < now` on SQLite) and
stamps them with a lease. The handler then runs in one transaction that first
re-reads the row under a lock and checks the lease is still ours, and that
marks the job done: its effects and "done" commit together, so a job runs once
even with several schedulers, and a scheduler killed mid-job leaves the row to
be claimed again when its lease runs out. A failing handler is retried with
exponential backoff up to `max_attempts`, then the job is an incident an
operator retries or skips, each action written to the instance's event log.
APScheduler (outside the engine) only decides when to call `run_due`.

Work that opens transactions of its own (a scheduled rule run completes task after
task) cannot run inside the job's transaction: on SQLite that would be a write inside
a write. Such a kind is registered with `register_standalone`: the claim commits, the
handler runs with no transaction open and a longer lease, and "done" is written
afterwards only if the lease is still ours. A handler taken twice (its scheduler died,
the lease ran out) must therefore be harmless to repeat, as a rule run is: each task
completion is optimistic. `add_unique_job` inserts a job only if no job carries its
`unique_key`, so schedulers planning the same occurrence create it once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..errors import Conflict, Forbidden, NotFound
from ..models import Base, Event
from ..views import Actor

Handler = Callable[[Session, "Job"], None]
KindHandler = Callable[[Any, Session, "Job"], None]  # (engine, session, job)
StandaloneHandler = Callable[["JobTicket", datetime], "dict[str, Any] | None"]
StandaloneKind = Callable[[Any, "JobTicket", datetime], "dict[str, Any] | None"]  # (engine, ticket, now)
STATUSES = ("pending", "running", "done", "failed", "skipped", "cancelled")


class Job(Base):
    """One unit of scheduled work; `failed` means it ran out of attempts and is an incident."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_due", "status", "due_at"),
        Index("ix_jobs_instance", "instance_id", "status"),
        Index("ux_jobs_unique_key", "unique_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    due_at: Mapped[datetime] = mapped_column(DateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    unique_key: Mapped[str | None] = mapped_column(String(200), nullable=True)


@dataclass(frozen=True)
class JobTicket:
    """What a standalone handler gets: the job as it was claimed, and no session (it opens its own)."""

    id: int
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


@dataclass
class RunReport:
    claimed: int = 0
    done: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0  # our lease ran out and another scheduler took the job first
    errors: list[str] = field(default_factory=list)


def add_job(session: Session, kind: str, due_at: datetime, payload: dict[str, Any] | None = None, *,
            instance_id: int | None = None, max_attempts: int = 5, now: datetime | None = None) -> Job:
    job = Job(kind=kind, due_at=due_at, payload=payload or {}, instance_id=instance_id,
              max_attempts=max_attempts, created_at=now or due_at, status="pending", attempts=0)
    session.add(job)
    return job


def add_unique_job(session: Session, kind: str, due_at: datetime, unique_key: str,
                   payload: dict[str, Any] | None = None, *, now: datetime | None = None) -> bool:
    """Insert the job unless one with `unique_key` exists (whatever its status); True if inserted."""
    values = dict(kind=kind, due_at=due_at, payload=payload or {}, unique_key=unique_key, status="pending",
                  attempts=0, max_attempts=5, created_at=now or due_at)
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"add_unique_job on {dialect}")
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Job).values(**values)
    # RETURNING, not rowcount: an ORM insert on psycopg reports no rowcount
    inserted = statement.on_conflict_do_nothing(index_elements=["unique_key"]).returning(Job.id)
    return session.execute(inserted).first() is not None


_KINDS: dict[str, KindHandler] = {}


def register_kind(kind: str, handler: KindHandler) -> None:
    """Every JobRunner runs jobs of `kind` as `handler(engine, session, job)` in the job's transaction.

    `engine/jobs/__init__.py` registers the timer and retry kinds here, so the runner imports none of them.
    """
    _KINDS[kind] = handler


_STANDALONE_KINDS: dict[str, tuple[StandaloneKind, timedelta | None]] = {}


def register_standalone_kind(kind: str, handler: StandaloneKind, *, lease: timedelta | None = None) -> None:
    """Every JobRunner runs jobs of `kind` as `handler(engine, ticket, now)` outside any transaction.

    For work that waits on something slow (a call to another system) and must not hold the write
    lock meanwhile: the outbox registers its sending here.
    """
    _STANDALONE_KINDS[kind] = (handler, lease)


def _claimable(now: datetime) -> Any:
    """Due and pending, or running under a lease that has run out (its scheduler died)."""
    return or_((Job.status == "pending") & (Job.due_at <= now),
               (Job.status == "running") & (Job.claimed_until < now))


class JobRunner:
    """Claims due jobs and runs each through the handler registered for its kind."""

    def __init__(self, engine: Any, *, lease: timedelta = timedelta(seconds=60),
                 backoff: timedelta = timedelta(seconds=30), handlers: dict[str, Handler] | None = None) -> None:
        self.engine = engine
        self.lease = lease
        self.backoff = backoff
        self.handlers: dict[str, Handler] = {kind: partial(run, engine) for kind, run in _KINDS.items()}
        self.handlers.update(handlers or {})
        self.standalone: dict[str, tuple[StandaloneHandler, timedelta]] = {
            kind: (partial(run, engine), kind_lease or lease) for kind, (run, kind_lease) in _STANDALONE_KINDS.items()}

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def register_standalone(self, kind: str, handler: StandaloneHandler, *, lease: timedelta | None = None) -> None:
        """`handler(ticket, now)` runs outside any transaction under `lease`; what it returns is kept as
        the job's `payload["result"]`."""
        self.standalone[kind] = (handler, lease or self.lease)

    # -- claiming -----------------------------------------------------------
    def claim(self, now: datetime, worker_id: str, limit: int = 50,
              kinds: tuple[str, ...] | None = None) -> list[tuple[int, datetime]]:
        """Lease up to `limit` due jobs to `worker_id`; return (job id, lease end) of each claimed.

        Jobs whose lease ran out come first, then pending ones by due time. The two are asked for
        apart: each is a walk of `ix_jobs_status_due` that stops at `limit`, where one query with
        OR made PostgreSQL sort every due row on each claim (30 ms at 100k due timers).
        """
        until = now + self.lease
        expired = select(Job.id).where(Job.status == "running", Job.claimed_until < now)
        pending = select(Job.id).where(Job.status == "pending", Job.due_at <= now)
        with self.engine._write() as session:
            on_postgresql = session.get_bind().dialect.name == "postgresql"
            ids: list[int] = []
            for query in (expired, pending):
                if len(ids) >= limit:
                    break
                query = query.order_by(Job.due_at, Job.id).limit(limit - len(ids))
                if kinds:
                    query = query.where(Job.kind.in_(kinds))
                ids += session.scalars(query.with_for_update(skip_locked=True) if on_postgresql else query)
            if on_postgresql:
                if ids:
                    session.execute(update(Job).where(Job.id.in_(ids)).values(
                        status="running", claimed_by=worker_id, claimed_until=until, attempts=Job.attempts + 1))
                return [(i, until) for i in ids]
            claimed = []
            for job_id in ids:
                result = session.execute(update(Job).where(Job.id == job_id, _claimable(now)).values(
                    status="running", claimed_by=worker_id, claimed_until=until, attempts=Job.attempts + 1))
                if result.rowcount == 1:
                    claimed.append((job_id, until))
            return claimed

    # -- running ------------------------------------------------------------
    def run_due(self, now: datetime, worker_id: str, limit: int = 50,
                kinds: tuple[str, ...] | None = None) -> RunReport:
        report = RunReport()
        for job_id, until in self.claim(now, worker_id, limit, kinds):
            report.claimed += 1
            self.run_one(job_id, worker_id, until, now, report)
        return report

    def run_one(self, job_id: int, worker_id: str, until: datetime, now: datetime, report: RunReport) -> None:
        try:
            ticket = None
            with self.engine._write() as session:
                job = self._leased(session, job_id, worker_id, until)
                if job is None:
                    report.lost += 1
                    return
                if job.kind in self.standalone:  # its own lease from now; run it once this commits
                    until = job.claimed_until = now + self.standalone[job.kind][1]
                    ticket = JobTicket(job.id, job.kind, job.due_at, dict(job.payload), job.attempts)
                elif job.kind in self.handlers:
                    self.handlers[job.kind](session, job)
                    self._done(job, now)
                else:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
            self.engine._commit_hooks(session)
            if ticket is not None and not self._run_standalone(ticket, worker_id, until, now):
                report.lost += 1
                return
            report.done += 1
        except Exception as exc:  # any failure is the job's: record it, back off, never stop the loop
            self._failed(job_id, worker_id, until, now, exc, report)

    def _run_standalone(self, ticket: JobTicket, worker_id: str, until: datetime, now: datetime) -> bool:
        result = self.standalone[ticket.kind][0](ticket, now)
        with self.engine._write() as session:
            job = self._leased(session, ticket.id, worker_id, until)
            if job is None:  # we overran the lease and another scheduler took the job
                return False
            if result is not None:
                job.payload = {**job.payload, "result": result}
            self._done(job, now)
        return True

    @staticmethod
    def _leased(session: Session, job_id: int, worker_id: str, until: datetime) -> Job | None:
        """The job, locked, if it is still leased to `worker_id` until `until`."""
        job = session.scalars(select(Job).where(Job.id == job_id).with_for_update()).one()
        if job.status != "running" or job.claimed_by != worker_id or job.claimed_until != until:
            return None
        return job

    @staticmethod
    def _done(job: Job, now: datetime) -> None:
        job.status, job.finished_at, job.claimed_until, job.last_error = "done", now, None, None

    def _failed(self, job_id: int, worker_id: str, until: datetime, now: datetime, exc: Exception,
                report: RunReport) -> None:
        message = f"{type(exc).__name__}: {exc}"[:4000]
        report.errors.append(f"job {job_id}: {message}")
        with self.engine._write() as session:
            job = session.get(Job, job_id)
            if job is None or job.claimed_by != worker_id or job.claimed_until != until:
                report.lost += 1
                return
            job.last_error, job.claimed_by, job.claimed_until = message, None, None
            if job.attempts >= job.max_attempts:
                job.status, job.finished_at = "failed", now
                report.failed += 1
                self._audit(session, job, "job_failed", "system", now, error=message)
            else:
                job.status = "pending"
                job.due_at = now + self.backoff * (2 ** (job.attempts - 1))
                report.retried += 1

    # -- operators ----------------------------------------------------------
    def _operator_job(self, session: Session, job_id: int, actor: Actor) -> Job:
        if not actor.is_admin:
            raise Forbidden("only an administrator may act on incidents")
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id}")
        if job.status != "failed":
            raise Conflict(f"job {job_id} is {job.status}, not an incident")
        return job

    def retry(self, job_id: int, actor: Actor) -> None:
        """Give a failed job a fresh set of attempts, due now."""
        now = self.engine.clock()
        with self.engine._write() as session:
            job = self._operator_job(session, job_id, actor)
            job.status, job.attempts, job.due_at, job.finished_at = "pending", 0, now, None
            self._audit(session, job, "job_retried", actor.username, now)

    def skip(self, job_id: int, actor: Actor) -> None:
        """Give up on a failed job; the instance stays where it is."""
        now = self.engine.clock()
        with self.engine._write() as session:
            job = self._operator_job(session, job_id, actor)
            job.status, job.finished_at = "skipped", now
            self._audit(session, job, "job_skipped", actor.username, now)

    @staticmethod
    def _audit(session: Session, job: Job, kind: str, actor: str, now: datetime, **detail: Any) -> None:
        if job.instance_id is not None:
            session.add(Event(instance_id=job.instance_id, kind=kind, actor=actor, at=now,
                              task_name=job.payload.get("element"),
                              detail={"job": job.id, "job_kind": job.kind, "error": job.last_error, **detail}))

    def incidents(self, limit: int = 200) -> list[Job]:
        with self.engine.read() as session:
            return list(session.scalars(select(Job).where(Job.status == "failed")
                                        .order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit)))
