"""The audit log takes rows and gives none back to be changed: the database itself refuses."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine import AuditEntry, audit

AT = datetime(2026, 11, 2, 9, 0)


def _one_entry(db: Engine) -> int:
    with Session(db) as session, session.begin():
        audit.record(session, "ivy", "records.import", "procurement.suppliers", AT, "10.0.0.7",
                     created=1, changes={"S-201": {"created": {"status": "active"}}})
    with Session(db) as session:
        return session.scalar(select(AuditEntry.id))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "UPDATE events SET actor = 'someone else'",
    "DELETE FROM events",
])
def test_no_statement_rewrites_or_removes_the_record(db: Engine, statement: str) -> None:
    entry = _one_entry(db)
    with db.begin() as conn:  # an event of a request, for the event log's statements to hit
        conn.execute(text("INSERT INTO process_definitions (key, name, version, checksum, source, bpmn_xml, dmn_xml,"
                          " spec_json, forms, deployed_at, deployed_by) VALUES ('p', 'P', 1, '', '', '', '[]', '{}',"
                          " '{}', '2026-11-02', 'x')"))
        conn.execute(text("INSERT INTO process_instances (definition_id, process_key, status, state, summary,"
                          " started_by, created_at, updated_at, lock_version) VALUES (1, 'p', 'running', '{}', '{}',"
                          " 'ivy', '2026-11-02', '2026-11-02', 1)"))
        conn.execute(text("INSERT INTO events (instance_id, kind, actor, at, detail) VALUES"
                          " (1, 'instance_started', 'ivy', '2026-11-02', '{}')"))
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as conn:
        conn.execute(text(statement))
    with Session(db) as session:
        row = session.get(AuditEntry, entry)
        assert (row.actor, row.action, row.address, row.at) == ("ivy", "records.import", "10.0.0.7", AT)
        assert row.detail["changes"] == {"S-201": {"created": {"status": "active"}}}


def test_an_orm_change_is_refused_too(db: Engine) -> None:
    entry = _one_entry(db)
    with pytest.raises(DBAPIError, match="append-only"), Session(db) as session, session.begin():
        session.get(AuditEntry, entry).detail = {}
    with pytest.raises(DBAPIError, match="append-only"), Session(db) as session, session.begin():
        session.delete(session.get(AuditEntry, entry))
    with Session(db) as session:
        assert session.scalar(select(AuditEntry.detail)) != {}
