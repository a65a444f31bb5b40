"""Field encryption as people meet it: HR and procurement read salaries and bank accounts on their pages, the
database and the lists' exports do not carry them, and `opsflow rotate-field-key` moves everything to a new key."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import text

from engine import AuditEntry, Keyring, field_crypto
from modules.hr import Position
from webui.extensions import db

Login = Callable[..., FlaskClient]
# With its spaces: no UUID, timestamp or ciphertext in a stored state can hold it by chance.
ACCOUNT = "6216 6100 0000 4321"


def _raw(app: Flask, sql: str) -> list:
    with app.app_context():
        return [r[0] for r in db.session.execute(text(sql))]


def test_a_bank_account_is_on_the_suppliers_page_for_procurement_not_in_the_export_nor_the_database(
        app: Flask, login: Login) -> None:
    henry = login("henry")
    started = henry.post("/procurement/suppliers/propose", data={
        "code": "S-900", "name": "宁波精密", "category": "raw_materials", "contact": "方经理", "phone": "0574-1",
        "email": "a@b.example", "bank_account": "中国银行 " + ACCOUNT})
    assert started.status_code == 302
    assert ACCOUNT in henry.get("/procurement/suppliers/item/S-900").get_data(as_text=True)
    sheet = henry.get("/procurement/suppliers/export.xlsx")
    cells = [c for row in load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True) for c in row]
    assert "S-900" in cells and not any(ACCOUNT in str(c) for c in cells)
    [stored] = _raw(app, "SELECT bank_account FROM procurement_suppliers WHERE code = 'S-900'")
    assert stored.startswith("enc1:") and ACCOUNT not in stored
    assert not any(ACCOUNT in s for s in _raw(app, "SELECT state FROM process_instances"))
    assert ACCOUNT not in login("alice").get("/procurement/suppliers/item/S-900").get_data(as_text=True)


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    before = field_crypto.keyring()
    path = tmp_path / "field_keys"
    path.write_text("\n".join(before.keys) + "\n")
    monkeypatch.setattr("webui.key_commands.FIELD_KEYS", path)
    monkeypatch.delenv(field_crypto.ENV, raising=False)
    yield path
    field_crypto.use(before)


def test_rotating_the_key_re_encrypts_every_value_and_forgets_the_old_key_when_asked(
        app: Flask, key_file: Path) -> None:
    with app.app_context():
        positions = {p.id: p.salary_max for p in db.session.query(Position)}
    assert positions, "the demo company has open positions"
    old = key_file.read_text().split()
    result = app.test_cli_runner().invoke(args=["rotate-field-key", "--drop-old"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted" in result.output
    new = key_file.read_text().split()
    assert len(new) == 1 and new[0] not in old
    field_crypto.use(Keyring(new))
    with app.app_context():
        assert {p.id: p.salary_max for p in db.session.query(Position)} == positions
        assert db.session.query(AuditEntry).filter_by(action="admin.field_key_rotated").count() == 1
    field_crypto.use(Keyring(old))
    with app.app_context(), pytest.raises(Exception, match="not configured"):
        db.session.query(Position).all()


def test_the_embedded_default_makes_its_key_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(field_crypto.ENV, raising=False)
    path = tmp_path / "instance" / "field_keys"
    first = field_crypto.from_environment(path).keys
    assert path.stat().st_mode & 0o777 == 0o600
    assert field_crypto.from_environment(path).keys == first
    monkeypatch.setenv(field_crypto.ENV, f"{field_crypto.new_key()},{first[0]}")
    assert field_crypto.from_environment(path).keys[1] == first[0]
