"""Field-level encryption at rest: salaries, offers, review texts, bank accounts, and the state of
instances whose forms mark a field sensitive.

A value is stored as `enc1:<Fernet token>` (AES-128-CBC with an HMAC, from `cryptography`), so a copy of
the database, a backup or a query run by hand shows no salary. The keys come from
`OPSFLOW_FIELD_KEYS` (comma-separated, the first encrypts, all decrypt) or, for the embedded default,
from a key file made once beside the secret key. Rotating adds a new first key and re-encrypts every
value with it (`rotate`); the old key can then be dropped. A value stored before its column was
encrypted reads as it is, so turning encryption on for a column needs no downtime.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, cast, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
ENV = "OPSFLOW_FIELD_KEYS"


class FieldKeyError(Exception):
    """No key, or a value no configured key opens: say so instead of showing ciphertext as data."""


class Keyring:
    """The field keys: the first encrypts, every one decrypts (an older key still opens older values)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise FieldKeyError("no field encryption key: set OPSFLOW_FIELD_KEYS or let OpsFlow make its key file")
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys])
        except ValueError as exc:
            raise FieldKeyError(f"{ENV}: each key must be 32 url-safe base64-encoded bytes ({exc})") from None
        self.keys = tuple(k.strip() for k in keys)

    def encrypt(self, text: str) -> str:
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before the column was encrypted
        try:
            return self._fernet.decrypt(stored[len(PREFIX):].encode()).decode()
        except InvalidToken:
            raise FieldKeyError(f"a value was encrypted with a key that is not configured (see {ENV})") from None

    def rotated(self, stored: str) -> str:
        """The value encrypted with the first key (a plain value gets encrypted)."""
        if not stored.startswith(PREFIX):
            return self.encrypt(stored)
        return PREFIX + self._fernet.rotate(stored[len(PREFIX):].encode()).decode()


_active: Keyring | None = None


def use(keyring: Keyring) -> Keyring:
    """Make `keyring` the one every encrypted column and state uses in this process."""
    global _active
    _active = keyring
    return keyring


def keyring() -> Keyring:
    if _active is None:
        return use(from_environment())
    return _active


def new_key() -> str:
    return Fernet.generate_key().decode()


def from_environment(key_file: Path | None = None) -> Keyring:
    """`OPSFLOW_FIELD_KEYS`, else `key_file` (made with a new key, readable by its owner only, if missing)."""
    if os.environ.get(ENV):
        return Keyring(os.environ[ENV].split(","))
    if key_file is None:
        raise FieldKeyError(f"no field encryption key: set {ENV}")
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(new_key() + "\n")
        key_file.chmod(0o600)
    return Keyring([line for line in key_file.read_text().split() if line])


def reveal(value: Any) -> Any:
    """A value that may have been stored encrypted in a plain column (a sensitive comment): its text."""
    return keyring().decrypt(value) if isinstance(value, str) and value.startswith(PREFIX) else value


class Encrypted(TypeDecorator[Any]):
    """A column kept encrypted: text in the database, the given type in Python (`Encrypted(Decimal)`)."""

    impl = Text
    cache_ok = True

    def __init__(self, python_type: type = str) -> None:
        super().__init__()
        self.kind = python_type

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else keyring().encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        text = keyring().decrypt(value)
        return Decimal(text) if self.kind in (Decimal, float) else self.kind(text)


def encrypted_columns(metadata: Any) -> Iterator[tuple[Any, Any]]:
    """Every (table, column) kept encrypted, for rotation and for the tests that look at the raw rows."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                yield table, column


def rotate(session: Session, metadata: Any, extra: Sequence[tuple[Any, Any]] = (),
           progress: Callable[[int, int], None] | None = None) -> int:
    """Re-encrypt with the first key every encrypted column's values, and the encrypted ones among `extra`
    text columns (the state of sensitive instances). Returns how many values changed."""
    ring, changed = keyring(), 0
    columns = [(t, c, True) for t, c in encrypted_columns(metadata)] + [(t, c, False) for t, c in extra]
    for done, (table, column, always) in enumerate(columns, start=1):
        key = list(table.primary_key.columns)[0]
        stored = cast(column, Text)  # the text as stored: not through the column's decrypting type
        chosen = column.isnot(None) if always else stored.startswith(PREFIX)
        last: Any = None
        while batch := session.execute(select(key, stored).where(chosen, *([key > last] if last is not None else []))
                                       .order_by(key).limit(500)).all():
            for pk, value in batch:
                fresh = ring.rotated(value)
                if fresh != value:
                    session.execute(update(table).where(key == pk).values({column.key: literal(fresh, Text)}))
                    changed += 1
            last = batch[-1][0]
        if progress is not None:
            progress(done, len(columns))
    return changed
