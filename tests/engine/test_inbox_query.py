"""An inbox page walks the partial index of open tasks: its cost does not grow with history."""
from __future__ import annotations

from datetime import datetime, timedelta

from bulk_rows import insert_series, seconds_after, text_number
from sqlalchemy import Engine, insert, select

from engine import Actor, HumanTask, ProcessInstance, ServiceRegistry, WorkflowEngine, refresh_statistics
from engine.models import ProcessDefinition
from engine.tasks import inbox_query

T0 = datetime(2026, 1, 1)
USER = Actor("uma", frozenset({"g1", "g2"}))


def _history(db: Engine, n: int) -> None:
    with db.begin() as conn:
        conn.execute(insert(ProcessDefinition), [{
            "key": "p", "name": "p", "version": 1, "checksum": "", "source": "", "bpmn_xml": "", "dmn_xml": [],
            "spec_json": "{}", "forms": {}, "deployed_at": T0, "deployed_by": "t"}])
        conn.execute(insert(ProcessInstance), [{
            "id": 1, "definition_id": 1, "process_key": "p", "status": "waiting", "state": "{}", "summary": {},
            "started_by": "x", "created_at": T0, "updated_at": T0, "lock_version": 1}])
        conn.execute(insert(HumanTask), [{
            "id": f"{i:036d}", "instance_id": 1, "process_key": "p", "task_name": "t", "title": f"t{i}",
            "candidate_group": f"g{i % 4}", "status": "open" if i % 50 == 0 else "completed",
            "created_at": T0 + timedelta(minutes=i), "due_at": T0 + timedelta(days=i % 7)} for i in range(n)])


def _plan(db: Engine) -> str:
    statement, params = inbox_query(USER, 50, 0)
    sql = str(statement.statement.params(params).compile(db, compile_kwargs={"literal_binds": True}))
    with db.connect() as conn:
        if db.dialect.name == "sqlite":
            return " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("ANALYZE human_tasks")
        return " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))


def test_inbox_query_uses_the_open_task_index(db: Engine) -> None:
    _history(db, 2000)
    refresh_statistics(db)  # as app start and the scheduler do
    plan = _plan(db)
    if db.dialect.name == "sqlite":
        assert "ix_human_tasks_open_queue" in plan
    else:  # on a table this small PostgreSQL may sort a few rows read by another index; never a scan
        assert "Seq Scan on human_tasks" not in plan and "human_tasks" in plan


def test_inbox_page_is_ordered_by_due_date_and_shows_only_my_groups(db: Engine) -> None:
    _history(db, 2000)
    page = WorkflowEngine(db, ServiceRegistry()).open_tasks(USER, limit=50)
    assert page and {t.candidate_group for t in page} <= {"g1", "g2"} and {t.status for t in page} == {"open"}
    assert [t.due_at for t in page] == sorted(t.due_at for t in page)
    expected = sum(1 for i in range(2000) if i % 50 == 0 and i % 4 in (1, 2))
    assert len(page) == min(50, expected)


def _one_big_queue(db: Engine, n: int) -> None:
    """`n` open tasks offered to one group, a third of them undated: the queue of a busy shared service."""
    with db.begin() as conn:
        conn.execute(insert(ProcessDefinition), [{
            "key": "p", "name": "p", "version": 1, "checksum": "", "source": "", "bpmn_xml": "", "dmn_xml": [],
            "spec_json": "{}", "forms": {}, "deployed_at": T0, "deployed_by": "t"}])
        definition = conn.scalar(select(ProcessDefinition.id))
        insert_series(conn, "process_instances", n, {  # instance i + 1 for task i, as the rows of one request each
            "id": "i + 1", "definition_id": str(definition), "process_key": "'p'", "status": "'waiting'",
            "state": "'{}'", "summary": "'{}'", "started_by": "'x'", "created_at": seconds_after(conn, T0, "0"),
            "updated_at": seconds_after(conn, T0, "0"), "lock_version": "1"})
        insert_series(conn, "human_tasks", n, {
            "id": text_number(conn, 36), "instance_id": "i + 1", "process_key": "'p'", "task_name": "'t'",
            "title": "'t' || i", "candidate_group": "'g1'", "status": "'open'",
            "created_at": seconds_after(conn, T0, "i"),
            "due_at": f"CASE WHEN i % 3 = 0 THEN NULL ELSE {seconds_after(conn, T0, '(i % 500) * 3600')} END"})


def test_a_queue_of_100k_open_tasks_walks_the_queue_index_whatever_the_statistics(db: Engine) -> None:
    """Sampled statistics (`PRAGMA analysis_limit`, which the scheduler runs) once made SQLite read every
    open task through an index on status and sort them all; the inbox names its index instead."""
    _one_big_queue(db, 100_000)
    eng = WorkflowEngine(db, ServiceRegistry())
    first = eng.open_tasks(USER, limit=50)  # no statistics yet
    refresh_statistics(db)
    plan = _plan(db)
    if db.dialect.name == "sqlite":
        assert "ix_human_tasks_open_queue" in plan and "TEMP B-TREE" not in plan, plan
    else:  # PostgreSQL picks it from its own statistics (ANALYZE, as autovacuum runs it)
        assert "Index Scan using ix_human_tasks_open_queue" in plan and "Sort" not in plan, plan
    page = eng.open_tasks(USER, limit=50)
    assert page == first and len(page) == 50
    assert [t.due_at for t in page] == sorted(t.due_at for t in page)  # the dated ones first, soonest due
    undated = eng.open_tasks(USER, limit=50, offset=66_666)  # the 33,334 undated ones come last
    assert eng.open_tasks(USER, limit=50, after=(None, T0, "")) == undated
