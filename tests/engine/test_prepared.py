"""Prepared statements at driver level give what `Session.execute` gives, on both databases."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, bindparam, event, exc, insert, select, update
from sqlalchemy.orm import Session

from engine.models import Event, HumanTask, ProcessDefinition, ProcessInstance
from engine.prepared import Prepared, PreparedIn
from engine.views import ADDRESS
from modules.finance.budget import Budget

AT = datetime(2030, 3, 4, 5, 6, 7, 890123)


def _instance(session: Session) -> ProcessInstance:
    definition = ProcessDefinition(key="p", version=1, name="P", checksum="c", bpmn_xml="<x/>", spec_json="{}",
                                   deployed_at=AT)
    session.add(definition)
    session.flush()
    inst = ProcessInstance(definition_id=definition.id, process_key="p", status="running", state="{}",
                           summary={"item": "显示器", "n": 2}, started_by="alice", created_at=AT, updated_at=AT)
    session.add(inst)
    session.flush()
    return inst


def test_a_row_reads_back_as_the_orm_reads_it(db: Engine) -> None:
    """Dates, JSON, booleans and numbers come back typed, the same values as through SQLAlchemy's execution."""
    with Session(db) as session:
        inst = _instance(session)
        session.add(HumanTask(id="t-1", instance_id=inst.id, process_key="p", task_name="T", title="审批",
                              status="open", created_at=AT, four_eyes=True, form="approve"))
        session.add(Budget(department="IT", period="2030", amount=Decimal("1234.50")))
        session.flush()  # explicitly here; the prepared reads below flush by themselves too
        tasks = select(HumanTask.__table__).where(HumanTask.instance_id == bindparam("instance_id"))
        [got] = Prepared(tasks).rows(session, {"instance_id": inst.id})
        [expected] = session.execute(tasks, {"instance_id": inst.id}).all()
        assert got._asdict() == expected._asdict()
        assert got.created_at == AT and got.four_eyes is True and got.priority == 2
        amount = Prepared(select(Budget.amount).where(Budget.department == "IT"))  # a literal of the statement
        assert amount.scalar(session) == Decimal("1234.50")
        assert Prepared(select(Budget.amount).where(Budget.department == "HR")).first(session) is None


def test_pending_objects_are_flushed_first_and_listeners_see_every_statement(db: Engine) -> None:
    seen: list[str] = []
    listener = event.listens_for(db, "before_cursor_execute")(lambda *a: seen.append(a[2].split()[0]))
    try:
        with Session(db) as session:
            inst = _instance(session)
            session.add(Event(instance_id=inst.id, kind="noted", actor="bob", at=AT))
            count = Prepared(select(Event.id).where(Event.instance_id == bindparam("i")))
            seen.clear()
            assert len(count.rows(session, {"i": inst.id})) == 1, "the pending event was flushed"
            assert seen == ["INSERT", "SELECT"]
    finally:
        event.remove(db, "before_cursor_execute", listener)


def test_inserts_take_the_columns_python_defaults_and_run_many_at_once(db: Engine) -> None:
    """An event's address comes from the request (the column's default); many rows go in one executemany."""
    add = Prepared(insert(Event.__table__), keys=["instance_id", "kind", "actor", "at", "detail"])
    with Session(db) as session:
        inst = _instance(session)
        token = ADDRESS.set("10.1.2.3")
        try:
            written = add.run(session, [{"instance_id": inst.id, "kind": k, "actor": "bob", "at": AT,
                                         "detail": {"k": k}} for k in ("a", "b")])
        finally:
            ADDRESS.reset(token)
        assert written == 2
        rows = session.execute(select(Event.kind, Event.address, Event.detail).order_by(Event.id)).all()
        assert [tuple(r) for r in rows] == [("a", "10.1.2.3", {"k": "a"}), ("b", "10.1.2.3", {"k": "b"})]
        renamed = Prepared(update(ProcessInstance.__table__).where(ProcessInstance.id == bindparam("i"))
                           .values(status=bindparam("status")))
        assert renamed.run(session, {"i": inst.id, "status": "completed"}) == 1
        assert renamed.run(session, {"i": inst.id + 1, "status": "completed"}) == 0
        with pytest.raises(KeyError, match="status"):
            renamed.run(session, {"i": inst.id})


def test_a_refused_write_raises_sqlalchemys_error_and_the_transaction_goes_on(db: Engine) -> None:
    add = Prepared(insert(Budget.__table__), keys=["department", "period", "amount"])
    with Session(db) as session:
        add.run(session, {"department": "IT", "period": "2030", "amount": 1})
        with pytest.raises(exc.IntegrityError), session.begin_nested():
            add.run(session, {"department": "IT", "period": "2030", "amount": 2})
        assert session.scalar(select(Budget.amount)) == 1


def test_an_in_list_is_refused_when_prepared(db: Engine) -> None:
    by_departments = Prepared(select(Budget.amount).where(Budget.department.in_(bindparam("d", expanding=True))))
    with Session(db) as session, pytest.raises(ValueError, match="IN list"):
        by_departments.rows(session, {"d": ["IT"]})


def test_an_in_list_takes_a_statement_per_length_and_an_empty_list_matches_nothing(db: Engine) -> None:
    by_departments = PreparedIn(lambda departments: select(Budget.department).where(
        Budget.department.in_(departments), Budget.period == bindparam("period")).order_by(Budget.department))
    with Session(db) as session:
        session.add_all([Budget(department=d, period="2030", amount=1) for d in ("HR", "IT", "Sales")])
        for wanted, found in ((["IT"], ["IT"]), (["IT", "HR", "Ops"], ["HR", "IT"]), ([], [])):
            statement, params = by_departments.bound(wanted)
            assert [d for d, in statement.rows(session, {**params, "period": "2030"})] == found
        assert by_departments.bound(["Ops"])[0] is by_departments.bound(["HR"])[0], "one statement per length"


def test_a_write_in_a_savepoint_that_rolls_back_is_undone_and_the_rest_stays(db: Engine) -> None:
    """The connection is asked for once per transaction: a savepoint begun since still gets its SAVEPOINT."""
    add = Prepared(insert(Budget.__table__), keys=["department", "period", "amount"])
    with Session(db) as session:
        add.run(session, {"department": "IT", "period": "2030", "amount": 1})
        nested = session.begin_nested()
        add.run(session, {"department": "HR", "period": "2030", "amount": 2})
        nested.rollback()
        add.run(session, {"department": "Sales", "period": "2030", "amount": 3})
        session.commit()
    with Session(db) as session:
        assert session.scalars(select(Budget.department).order_by(Budget.department)).all() == ["IT", "Sales"]
