"""Salaries, review texts, bank accounts and sensitive requests are ciphertext in the database: a copy of it,
a backup or a query by hand shows none of them; OpsFlow reads them; a new key re-encrypts them all."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from engine import Actor, Base, FieldKeyError, Keyring, ProcessInstance, WorkflowEngine, field_crypto, utcnow
from modules.hr import Department, PerformanceReview, Position
from modules.procurement import Supplier

K1, K2 = field_crypto.new_key(), field_crypto.new_key()


@pytest.fixture(autouse=True)
def keys() -> Iterator[None]:
    before = field_crypto.keyring()
    field_crypto.use(Keyring([K1]))
    yield
    field_crypto.use(before)


def _raw(db: Engine, sql: str) -> list:
    with db.connect() as conn:
        return [r[0] for r in conn.execute(text(sql))]


def _position(db: Engine, salary: str = "28500.00") -> None:
    with Session(db) as session, session.begin():
        session.add(Position(title="Engineer", department="IT", salary_max=Decimal(salary), instance_id=1,
                             opened_at=utcnow()))


def test_a_salary_band_is_ciphertext_in_the_database_and_a_number_in_opsflow(db: Engine) -> None:
    _position(db)
    [stored] = _raw(db, "SELECT salary_max FROM hr_positions")
    assert stored.startswith("enc1:") and "28500" not in stored
    with Session(db) as session:
        assert session.query(Position).one().salary_max == Decimal("28500.00")


def test_a_new_key_re_encrypts_everything_and_the_old_one_can_go(db: Engine) -> None:
    _position(db)
    with Session(db) as session, session.begin():
        session.add(Supplier(code="S-9", name="Acme", category="it", bank_account="ICBC 6222 0000 1234"))
        session.add(PerformanceReview(employee_number="E1", employee_name="Ann", department="IT", period="2026-H1",
                                      reviewer="bob", goals="ship", comments="needs to delegate more"))
    before = _raw(db, "SELECT salary_max FROM hr_positions")
    field_crypto.use(Keyring([K2, K1]))
    with Session(db) as session, session.begin():
        assert field_crypto.rotate(session, Base.metadata) == 5  # salary, bank account and three review texts
    assert _raw(db, "SELECT salary_max FROM hr_positions") != before
    field_crypto.use(Keyring([K2]))
    with Session(db) as session:
        assert session.query(Supplier).one().bank_account == "ICBC 6222 0000 1234"
        assert session.query(PerformanceReview).one().comments == "needs to delegate more"
    field_crypto.use(Keyring([K1]))
    with Session(db) as session, pytest.raises(FieldKeyError, match="not configured"):
        session.query(Position).one()


def test_a_value_stored_before_encryption_still_reads_and_rotation_encrypts_it(db: Engine) -> None:
    with db.begin() as conn:
        conn.execute(text("INSERT INTO hr_positions (title, department, salary_max, status, instance_id, opened_at)"
                          " VALUES ('Old', 'IT', '9000.00', 'open', 7, '2026-01-01')"))
    with Session(db) as session, session.begin():
        assert session.query(Position).one().salary_max == Decimal("9000.00")
        assert field_crypto.rotate(session, Base.metadata) == 1
    assert _raw(db, "SELECT salary_max FROM hr_positions")[0].startswith("enc1:")


def test_a_hiring_request_keeps_its_salaries_out_of_every_plain_column(workflow_engine: WorkflowEngine,
                                                                       db: Engine) -> None:
    with Session(db) as session, session.begin():
        session.add(Department(code="IT", name="IT"))
    mia = Actor("mia", frozenset({"requesters"}), department="IT")
    view = workflow_engine.start("hiring", {"position_title": "Backend developer", "salary_max": 31337,
                                            "reason": "ERP integration"}, mia)
    assert workflow_engine.get(view.id).data["salary_max"] == 31337, "OpsFlow reads it"
    [state] = _raw(db, f"SELECT state FROM process_instances WHERE id = {view.id}")
    assert state.startswith("enc1:") and "31337" not in state
    with Session(db) as session:
        inst = session.get(ProcessInstance, view.id)
        assert "salary_max" not in inst.summary and inst.summary["position_title"] == "Backend developer"
    plain = " ".join(map(str, _raw(db, "SELECT detail FROM events") + _raw(db, "SELECT title FROM human_tasks")))
    assert "31337" not in plain
    instances = ProcessInstance.__table__
    field_crypto.use(Keyring([K2, K1]))
    with Session(db) as session, session.begin():
        assert field_crypto.rotate(session, Base.metadata, extra=[(instances, instances.c.state)]) == 1
    field_crypto.use(Keyring([K2]))
    assert WorkflowEngine(db, workflow_engine.registry).get(view.id).data["salary_max"] == 31337


def test_a_malformed_key_is_named() -> None:
    with pytest.raises(FieldKeyError, match="OPSFLOW_FIELD_KEYS: each key must be 32 url-safe"):
        Keyring(["not-a-key"])
