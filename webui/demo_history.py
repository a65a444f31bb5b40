"""Months of purchase-approval history written straight into the tables, for demos and the benchmarks.

A newcomer's first look at the monitor should show real waiting times, breaches and trends, and the
dashboards are measured over a million task rows: running that many instances through the engine
would take hours. So finished instances are written as the engine would have left them — instance,
task and event rows — in bulk inserts, with the time each step took drawn from a log-normal
distribution in working hours (the work calendar turns them into clock time, so nights and weekends
pass without counting). No workflow state is kept for them (`state` is empty: the engine shows such
an instance from its rows); every instance ends before now, so none can be worked on again.

Paths, as the shipped flow and the demo rule set would take them: small requests (< ¥5,000) are mostly
approved by rule within minutes, the rest go to the department manager, those above ¥50,000 to the
finance director as well; some are rejected, some returned and revised. Due times are the flow's
(manager 2 days, finance director 3 days), so the slow tail breaches them.
"""
from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Engine, func, select

from engine import (
    Event,
    HumanTask,
    PastRowsRollup,
    ProcessDefinition,
    ProcessInstance,
    WorkCalendar,
    write_sessions,
)

PROCESS = "purchase_approval"
BATCH = 2_000  # instances per insert round: a few thousand rows per statement
RULE_ACTOR = "system"
RULE = {"rule": "small, from a trusted supplier", "rule_set": "Purchases under ¥5,000", "rule_version": 1}
# department -> (requesters, the managers who decide its requests)
DEPARTMENTS = {"IT": (("alice", "dave"), "bob"), "Sales": (("frank",), "erin"),
               "Procurement": (("henry",), "ivy"), "Finance": (("jack",), "carol")}
ITEMS = [("ThinkPad X1 笔记本电脑", "联想 Lenovo"), ("会议室显示器", "京东企业购"), ("服务器机柜", "华为 Huawei"),
         ("人体工学椅", "震旦 AURORA"), ("激光打印机", "得力 Deli"), ("交换机", "华为 Huawei"),
         ("办公用品", "京东企业购"), ("数据库许可证", "金蝶 Kingdee")]


@dataclass(frozen=True)
class Step:
    """One user task of the flow: who does it, when it is due, and how long it takes (working hours)."""

    name: str
    title: str
    form: str
    due: timedelta | None
    priority: int
    wait_median_h: float
    work_median_h: float
    sigma: float = 1.0


MANAGER = Step("Task_manager_approval", "Department manager approval", "manager_approval", timedelta(days=2), 2,
               5.0, 0.4, 1.1)
FINANCE = Step("Task_finance_approval", "Finance director approval", "approval", timedelta(days=3), 3, 9.0, 0.6)
REVISE = Step("Task_revise_request", "Revise request", "revise", None, 2, 3.0, 0.5)


@dataclass
class _Batch:
    instances: list[dict[str, Any]]
    tasks: list[list[dict[str, Any]]]
    events: list[list[dict[str, Any]]]


def _lognormal(rng: random.Random, median_h: float, sigma: float) -> float:
    return median_h * math.exp(rng.gauss(0.0, sigma))


class HistoryWriter:
    """Draws instances one by one and writes them `BATCH` at a time; `now` is the engine's clock."""

    def __init__(self, db: Engine, now: datetime, months: int = 6, seed: int = 13) -> None:
        self.db, self.now, self.rng = db, now, random.Random(seed)
        self.since = now - timedelta(days=30 * months)
        self.calendar = WorkCalendar()
        with db.connect() as conn:
            row = conn.execute(select(ProcessDefinition.id, ProcessDefinition.version)
                               .where(ProcessDefinition.key == PROCESS)
                               .order_by(ProcessDefinition.version.desc()).limit(1)).first()
        if row is None:
            raise LookupError(f"{PROCESS} is not deployed: run `opsflow deploy` first")
        self.definition_id, self.version = row

    # -- drawing one instance ------------------------------------------------------------------
    def _start_time(self) -> datetime:
        """A moment in working hours of a working day within the period (UTC, naive)."""
        span = (self.now - self.since).total_seconds()
        moment = self.since + timedelta(seconds=self.rng.random() * span)
        return self.calendar.add(moment)

    def _later(self, start: datetime, hours: float) -> datetime:
        whole = timedelta(hours=hours)
        return self.calendar.add(start, 0, whole) if hours > 0.02 else start + whole

    def _task(self, instance: dict, step: Step, created: datetime, group: str | None, actor: str, outcome: str | None,
              comment: str, by_rule: bool = False) -> tuple[dict, list[dict], datetime]:
        if by_rule:  # the rule run every few minutes takes it: no claim, no working time
            claimed = None
            completed = created + timedelta(seconds=self.rng.randint(30, 600))
        else:
            claimed = self._later(created, _lognormal(self.rng, step.wait_median_h, step.sigma))
            completed = self._later(claimed, _lognormal(self.rng, step.work_median_h, 0.8))
        due = created + step.due if step.due else None
        task_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        waited = (completed - created).total_seconds()
        late = None if due is None else (0.0 if completed <= due else
                                         self.calendar.working_time(due, completed).total_seconds())
        row = {"id": task_id, "process_key": PROCESS, "task_name": step.name, "title": instance["summary"]["item"],
               "lane": None, "candidate_group": group, "assignee": actor if claimed else None, "form": step.form,
               "status": "completed", "created_at": created, "due_at": due, "priority": step.priority,
               "claimed_at": claimed, "completed_at": completed, "completed_by": actor, "wait_seconds": waited,
               "claim_wait_seconds": ((claimed or completed) - created).total_seconds(),
               "work_seconds": (completed - claimed).total_seconds() if claimed else 0.0,
               "late_working_seconds": late, "outcome": outcome, "comment": comment}
        events = [{"kind": "task_created", "actor": "system", "at": created, "task_id": task_id,
                   "task_name": step.name, "detail": {"title": row["title"], "candidate_group": group}}]
        if claimed:
            events.append({"kind": "task_claimed", "actor": actor, "at": claimed, "task_id": task_id,
                           "task_name": step.name, "detail": {}})
        detail = {"outcome": outcome, "comment": comment, "waited_seconds": int(waited), **(RULE if by_rule else {})}
        events.append({"kind": "task_completed", "actor": actor, "at": completed, "task_id": task_id,
                       "task_name": step.name, "detail": detail})
        return row, events, completed

    def _instance(self) -> tuple[dict, list[dict], list[dict]] | None:
        """One finished request, or None when it would not have finished by now."""
        rng = self.rng
        department = rng.choices(list(DEPARTMENTS), weights=(5, 3, 3, 1))[0]
        requesters, manager = DEPARTMENTS[department]
        requester = rng.choice(requesters)
        item, supplier = rng.choice(ITEMS)
        amount = round(min(max(math.exp(rng.gauss(math.log(9000), 1.3)), 80.0), 900_000.0), 2)
        start = self._start_time()
        summary = {"item": item, "supplier": supplier, "department": department, "requester": requester,
                   "amount": amount, "quantity": 1, "unit_price": amount, "level": _level(amount)}
        instance = {"definition_id": self.definition_id, "process_key": PROCESS, "business_key": None,
                    "status": "completed", "state": "", "summary": summary, "started_by": requester,
                    "department": department, "created_at": start, "lock_version": 1}
        tasks, events = [], [{"kind": "instance_started", "actor": requester, "at": start,
                              "detail": {"version": self.version}}]
        group, at, outcome = f"{department}-managers", start + timedelta(seconds=2), "approve"
        if amount < 5000 and rng.random() < 0.7:
            row, evs, at = self._task(instance, MANAGER, at, group, RULE_ACTOR, "approve",
                                      "Automatically approved by rule 'small, from a trusted supplier'", by_rule=True)
            tasks.append(row)
            events += evs
        else:
            for _round in range(3):
                roll = rng.random()
                outcome = "reject" if roll < 0.09 else "return" if roll < 0.14 and _round < 2 else "approve"
                comment = {"reject": "预算不足，下季度再申请", "return": "请补充报价单"}.get(outcome, "同意")
                row, evs, at = self._task(instance, MANAGER, at, group, manager, outcome, comment)
                tasks.append(row)
                events += evs
                if outcome != "return":
                    break
                row, evs, at = self._task(instance, REVISE, at + timedelta(seconds=1), requester, requester,
                                          None, "已补充")
                row["candidate_group"] = None
                tasks.append(row)
                events += evs
            if outcome == "approve" and amount > 50_000:
                roll = rng.random()
                outcome = "reject" if roll < 0.06 else "approve"
                row, evs, at = self._task(instance, FINANCE, at + timedelta(seconds=2), "finance-directors", "carol",
                                          outcome, "同意" if outcome == "approve" else "超出年度预算")
                tasks.append(row)
                events += evs
        end = at + timedelta(seconds=3)
        if end > self.now:
            return None
        summary["outcome"] = "approved" if outcome == "approve" else "rejected"
        instance.update(updated_at=end, ended_at=end)
        events.append({"kind": "instance_completed", "actor": tasks[-1]["completed_by"], "at": end, "detail": {}})
        return instance, tasks, events

    # -- writing -------------------------------------------------------------------------------
    def batches(self, instances: int) -> Iterator[_Batch]:
        made = 0
        while made < instances:
            batch = _Batch([], [], [])
            while len(batch.instances) < min(BATCH, instances - made):
                drawn = self._instance()
                if drawn is None:
                    continue
                batch.instances.append(drawn[0])
                batch.tasks.append(drawn[1])
                batch.events.append(drawn[2])
            made += len(batch.instances)
            yield batch

    def write(self, instances: int, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
        """Write `instances` finished requests; returns (instances, task rows) written.

        Straight to the driver (`executemany` of plain tuples, JSON encoded once): SQLAlchemy's per-row
        parameter handling would cost more than the database's work. Ids are taken after the largest
        one inside a write transaction (SQLite's BEGIN IMMEDIATE) or from the sequence (PostgreSQL).

        The rows of days the monitor's roll-ups had already sealed are added to them at the end, so the
        monitor is right at once (the days after are sealed by the scheduler as usual)."""
        tasks_written = 0
        rolled = PastRowsRollup(self.db, self.now)
        for batch in self.batches(instances):
            self._sum(batch, rolled)
            with write_sessions(self.db)() as session, session.begin():
                conn = session.connection()
                ids = self._ids(conn, len(batch.instances))
                self._insert(conn, ProcessInstance, [dict(row, id=i) for i, row in zip(ids, batch.instances,
                                                                                        strict=True)])
                task_rows = [dict(t, instance_id=i) for i, ts in zip(ids, batch.tasks, strict=True) for t in ts]
                self._insert(conn, HumanTask, task_rows)
                self._insert(conn, Event, [dict(e, instance_id=i) for i, es in zip(ids, batch.events, strict=True)
                                           for e in es])
            tasks_written += len(task_rows)
            if progress:
                progress(len(batch.instances))
        rolled.commit()
        return instances, tasks_written

    def _sum(self, batch: _Batch, rolled: PastRowsRollup) -> None:
        for instance, tasks in zip(batch.instances, batch.tasks, strict=True):
            rolled.add_instance(tuple(instance[k] for k in _INSTANCE_SUMMED))
            for task in tasks:
                rolled.add_task((task["created_at"], PROCESS, task["task_name"], self.definition_id,
                                 instance["department"], *(task[k] for k in _TASK_SUMMED)))

    def _ids(self, conn: Any, n: int) -> list[int]:
        if self.db.dialect.name == "postgresql":
            return list(conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('process_instances', 'id')) FROM generate_series(1, %s)",
                (n,)).scalars())
        first = int(conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM process_instances").scalar() or 0) + 1
        return list(range(first, first + n))

    def _insert(self, conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = model.__table__
        names = [c.name for c in table.c if c.name in rows[0] or c.name in _DEFAULTS]
        json_columns = {c.name for c in table.c if isinstance(c.type, JSON)}
        marker = "%s" if self.db.dialect.name == "postgresql" else "?"
        when = _pg_time if self.db.dialect.name == "postgresql" else _sqlite_time
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"

        converters = [(n, json.dumps if n in json_columns else None) for n in names]
        conn.exec_driver_sql(sql, [tuple(
            (dump(row.get(n, _DEFAULTS.get(n))) if dump else
             when(v) if isinstance(v := row.get(n, _DEFAULTS.get(n)), datetime) else v)
            for n, dump in converters) for row in rows])


_INSTANCE_SUMMED = ("created_at", "process_key", "department", "status", "ended_at")
_TASK_SUMMED = ("status", "due_at", "completed_at", "wait_seconds", "claim_wait_seconds", "work_seconds",
                "late_working_seconds")
_DEFAULTS = {"four_eyes": False, "excluded_user": None, "address": None, "task_id": None, "task_name": None}


def _sqlite_time(value: datetime) -> str:
    """As SQLAlchemy writes a DateTime on SQLite (always with microseconds), so comparisons and reads agree."""
    text = value.isoformat(" ")
    return text if value.microsecond else text + ".000000"


def _pg_time(value: datetime) -> datetime:
    return value


def _level(amount: float) -> str:
    return "auto" if amount < 5000 else "manager" if amount <= 50_000 else "finance"


def history_count(db: Engine) -> int:
    """Instances written without a workflow state: the history a demo was given."""
    with db.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(ProcessInstance)
                               .where(ProcessInstance.state == "")) or 0)
