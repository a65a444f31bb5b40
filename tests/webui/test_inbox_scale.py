"""The inbox stays an index walk with 100,000 open tasks: rows built by bulk insert, plans checked."""
from __future__ import annotations

import re
from datetime import datetime

from bulk_rows import insert_series, seconds_after, text_number
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.orm import Session

from engine import Actor, ProcessDefinition, refresh_statistics
from webui.inbox import queries
from webui.inbox.filters import Filters

TASKS = 100_000
USES_TASK_INDEX = re.compile(r"(INDEX|Index (Only )?Scan( Backward)? using|Bitmap Index Scan on) ix_human_tasks_")
INSTANCES = 1_000
TABLE_SCAN = re.compile(r"SCAN human_tasks(?! USING (COVERING )?INDEX)")  # walking an index in order is no scan


def _amount(conn: Connection) -> str:
    """SQL for the summary {"amount": i} an instance's start form leaves."""
    return "json_object('amount', i)" if conn.dialect.name == "sqlite" else "json_build_object('amount', i)"


def _fill(db: Engine) -> None:
    now = datetime(2026, 1, 1)
    with db.begin() as conn:
        conn.execute(insert(ProcessDefinition), [{
            "id": 1, "key": "bulk", "name": "Bulk", "version": 1, "checksum": "x", "source": "", "bpmn_xml": "",
            "dmn_xml": [], "spec_json": "{}", "forms": {}, "deployed_at": now, "deployed_by": "test"}])
        insert_series(conn, "process_instances", INSTANCES, {
            "id": "i", "definition_id": "1", "process_key": "'bulk'", "business_key": "'BK-' || i",
            "status": "'waiting'", "state": "'{}'", "summary": _amount(conn), "started_by": "'someone'",
            "created_at": seconds_after(conn, now, "0"), "updated_at": seconds_after(conn, now, "0"),
            "lock_version": "1"}, start=1)
        insert_series(conn, "human_tasks", TASKS, {
            "id": "'t' || " + text_number(conn, 6), "instance_id": f"i % {INSTANCES} + 1", "process_key": "'bulk'",
            "task_name": "'review'", "title": "'Review ' || i", "candidate_group": "'group-' || (i % 20)",
            "status": "'open'", "priority": "i % 4 + 1", "created_at": seconds_after(conn, now, "i"),
            "due_at": seconds_after(conn, now, "(i % 500) * 3600")})
        if db.dialect.name == "postgresql":
            conn.execute(text("ANALYZE human_tasks"))
            conn.execute(text("ANALYZE process_instances"))


def _plan(db: Engine, query) -> str:  # noqa: ANN001
    compiled = query.compile(db, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.dialect.name == "sqlite" else "EXPLAIN "
    with db.connect() as conn:
        return "\n".join(" ".join(str(c) for c in row) for row in conn.execute(text(prefix + str(compiled))))


def test_pages_of_a_queue_use_the_task_indexes_and_are_right(db: Engine) -> None:
    _fill(db)
    actor = Actor("ann", frozenset({"group-3"}))
    for sort in ("due", "priority", "age", "process"):
        plan = _plan(db, queries.page_query(actor, "group", Filters(sort=sort), 3))
        assert USES_TASK_INDEX.search(plan), (sort, plan)
        assert not TABLE_SCAN.search(plan) and "Seq Scan on human_tasks" not in plan, (sort, plan)
    mine = _plan(db, queries.page_query(Actor("ann"), "mine", Filters(sort="priority"), 1))
    assert "ix_human_tasks_assignee" in mine, mine
    # and the page itself is right
    with Session(db) as session:
        total = queries.count(session, actor, "group")
        assert total == TASKS // 20
        listing = queries.page(session, actor, "group", 2, total, Filters(sort="priority"))
        assert len(listing.rows) == queries.PAGE_SIZE and listing.pages == total // queries.PAGE_SIZE
        assert all(r.task.priority == "urgent" for r in listing.rows)
        found = queries.page(session, actor, "group", 1, 1, Filters(q="BK-4"))
        assert found.rows and all(r.task.business_key.startswith("BK-4") for r in found.rows)


def test_one_group_of_100k_open_tasks_pages_by_due_date_through_the_queue_index(db: Engine) -> None:
    """The statistics the scheduler samples once made SQLite sort a whole queue for every page."""
    _fill(db)
    with db.begin() as conn:
        conn.execute(text("UPDATE human_tasks SET candidate_group = 'group-0'"))
    refresh_statistics(db)
    if db.dialect.name == "postgresql":
        with db.begin() as conn:
            conn.execute(text("ANALYZE human_tasks"))
    actor = Actor("ann", frozenset({"group-0"}))
    plan = _plan(db, queries.page_query(actor, "group", Filters(), 7))
    assert "ix_human_tasks_open_queue" in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    with Session(db) as session:
        listing = queries.page(session, actor, "group", 7, TASKS, Filters())
        due = [r.task.due_at for r in listing.rows]
        assert len(due) == queries.PAGE_SIZE and due == sorted(due)
