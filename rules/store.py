"""Rule sets: one draft at a time, frozen published versions, effective-dated, every change audited."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import Conflict, Job, NotFound, audit, utcnow, write_sessions

from . import cron, run_jobs
from .cron import DEFAULT_SCHEDULE
from .evaluation import check
from .models import RuleAudit, RuleSet, RuleSetVersion


class RuleStore:
    def __init__(self, db: Engine, clock: Callable[[], datetime] = utcnow, timezone: str = "UTC") -> None:
        self._sessions = write_sessions(db)  # SQLite: take the write lock up front, so writers queue
        self.clock = clock
        self.timezone = timezone  # the one schedules are read in

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    # -- reading ------------------------------------------------------------
    def rule_sets(self) -> list[RuleSet]:
        with self.session() as s:
            return list(s.scalars(select(RuleSet).order_by(RuleSet.process_key, RuleSet.task_name)))

    def get(self, rule_set_id: int) -> RuleSet:
        with self.session() as s:
            return self._get(s, rule_set_id)

    @staticmethod
    def _get(s: Session, rule_set_id: int) -> RuleSet:
        found = s.get(RuleSet, rule_set_id)
        if found is None:
            raise NotFound(f"no rule set {rule_set_id}")
        return found

    def versions(self, rule_set_id: int) -> list[RuleSetVersion]:
        with self.session() as s:
            return list(s.scalars(select(RuleSetVersion).where(RuleSetVersion.rule_set_id == rule_set_id)
                                  .order_by(RuleSetVersion.version.desc())))

    def draft(self, rule_set_id: int) -> RuleSetVersion | None:
        with self.session() as s:
            return self._draft(s, rule_set_id)

    @staticmethod
    def _draft(s: Session, rule_set_id: int) -> RuleSetVersion | None:
        return s.scalar(select(RuleSetVersion).where(RuleSetVersion.rule_set_id == rule_set_id,
                                                     RuleSetVersion.status == "draft"))

    def live(self, rule_set_id: int, at: datetime | None = None) -> RuleSetVersion | None:
        """The published version in effect at `at`: the latest whose effective date has come."""
        at = at or self.clock()
        with self.session() as s:
            return s.scalar(select(RuleSetVersion).where(
                RuleSetVersion.rule_set_id == rule_set_id, RuleSetVersion.status == "published",
                RuleSetVersion.effective_from <= at).order_by(RuleSetVersion.effective_from.desc(),
                                                               RuleSetVersion.version.desc()).limit(1))

    def next_runs(self) -> dict[int, datetime]:
        """When each rule set runs next: its planned job, else its schedule's next fire time."""
        now = self.clock()
        with self.session() as s:
            planned = run_jobs.planned(s)
            return {rs.id: planned[rs.id].due_at if rs.id in planned else
                    cron.next_run(rs.schedule, now, self.timezone) for rs in s.scalars(select(RuleSet))}

    def last_run(self, rule_set_id: int) -> Job | None:
        """The rule set's latest finished run, its result (`payload["result"]`) or its error."""
        with self.session() as s:
            return run_jobs.last_run(s, rule_set_id)

    def audit(self, rule_set_id: int) -> list[RuleAudit]:
        with self.session() as s:
            return list(s.scalars(select(RuleAudit).where(RuleAudit.rule_set_id == rule_set_id)
                                  .order_by(RuleAudit.id.desc())))

    # -- changing -----------------------------------------------------------
    def create(self, name: str, process_key: str, task_name: str, actor: str,
               schedule: str = DEFAULT_SCHEDULE) -> int:
        schedule = cron.check(schedule)
        with self.session() as s:
            if s.scalar(select(RuleSet.id).where(RuleSet.process_key == process_key,
                                                 RuleSet.task_name == task_name)):
                raise Conflict(f"a rule set for {process_key}/{task_name} already exists")
            rule_set = RuleSet(name=name, process_key=process_key, task_name=task_name, schedule=schedule,
                               created_at=self.clock())
            s.add(rule_set)
            s.flush()
            self._log(s, rule_set.id, 0, "created", actor, {"name": name, "schedule": schedule})
            run_jobs.plan(s, rule_set, self.clock(), self.timezone)
            return rule_set.id

    def save_draft(self, rule_set_id: int, rules: Any, actor: str) -> RuleSetVersion:
        """Replace the draft's rules (creating the draft if there is none); invalid rules change nothing."""
        rules = check(rules)
        with self.session() as s:
            self._get(s, rule_set_id)
            draft = self._draft(s, rule_set_id)
            if draft is None:
                latest = s.scalar(select(RuleSetVersion.version).where(RuleSetVersion.rule_set_id == rule_set_id)
                                  .order_by(RuleSetVersion.version.desc()).limit(1)) or 0
                draft = RuleSetVersion(rule_set_id=rule_set_id, version=latest + 1, status="draft",
                                       created_by=actor, created_at=self.clock())
                s.add(draft)
            before = draft.rules
            draft.rules = rules
            self._log(s, rule_set_id, draft.version, "draft_saved", actor, {"before": before, "after": rules})
            s.flush()
            return draft

    def publish(self, rule_set_id: int, actor: str, effective_from: datetime | None = None) -> RuleSetVersion:
        now = self.clock()
        with self.session() as s:
            draft = self._draft(s, rule_set_id)
            if draft is None:
                raise Conflict("there is no draft to publish")
            draft.status, draft.published_by, draft.published_at = "published", actor, now
            draft.effective_from = effective_from or now
            self._log(s, rule_set_id, draft.version, "published", actor,
                      {"effective_from": draft.effective_from.isoformat(), "rules": draft.rules})
            return draft

    def set_schedule(self, rule_set_id: int, schedule: str, actor: str) -> RuleSet:
        """A new crontab schedule; the planned run moves to its next fire time in the same transaction."""
        schedule = cron.check(schedule)
        with self.session() as s:
            rule_set = self._get(s, rule_set_id)
            if schedule != rule_set.schedule:
                self._log(s, rule_set_id, 0, "schedule_changed", actor,
                          {"before": rule_set.schedule, "after": schedule})
                rule_set.schedule = schedule
                run_jobs.unplan(s, rule_set_id, self.clock())
                run_jobs.plan(s, rule_set, self.clock(), self.timezone)
            return rule_set

    def _log(self, s: Session, rule_set_id: int, version: int, action: str, actor: str,
             detail: dict[str, Any]) -> None:
        now = self.clock()
        s.add(RuleAudit(rule_set_id=rule_set_id, version=version, action=action, actor=actor, at=now, detail=detail))
        audit.record(s, actor, f"rules.{action}", f"rule set {rule_set_id}", now, version=version)
