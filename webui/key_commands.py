"""`opsflow rotate-field-key`: a new key for encrypted fields, and every value re-encrypted with it."""
from __future__ import annotations

import os
import sys

import click
from flask.cli import with_appcontext

from engine import Base, ProcessInstance, audit, field_crypto, utcnow

from .config import FIELD_KEYS
from .extensions import db


@click.command("rotate-field-key")
@click.option("--drop-old", is_flag=True, help="forget the older keys once every value is re-encrypted")
@with_appcontext
def rotate_field_key(drop_old: bool) -> None:
    """Encrypt every sensitive value (salary bands, review texts, bank accounts, sensitive requests) anew.

    With the key file (the embedded default) a new key is put first in it. With OPSFLOW_FIELD_KEYS, put
    the new key first there yourself (`python -c "from cryptography.fernet import Fernet;
    print(Fernet.generate_key().decode())"`), keep the old one after it, run this, then drop the old one.
    """
    from_environment = bool(os.environ.get(field_crypto.ENV))
    if from_environment and drop_old:
        click.echo(f"error: the keys are in {field_crypto.ENV}: remove the old one there", err=True)
        sys.exit(1)
    ring = field_crypto.keyring()
    if not from_environment:
        ring = field_crypto.use(field_crypto.Keyring([field_crypto.new_key(), *ring.keys]))
        _write(ring.keys)  # first, so a crash midway leaves a key file that opens old and new values
    instances = ProcessInstance.__table__
    changed = field_crypto.rotate(db.session, Base.metadata, extra=[(instances, instances.c.state)],
                                  progress=lambda done, total: click.echo(f"\r{done}/{total} columns", nl=False))
    audit.record(db.session, "command line", "admin.field_key_rotated", "field keys", utcnow(), values=changed,
                 keys=len(ring.keys))
    db.session.commit()
    click.echo(f"\nre-encrypted {changed} values with the new key")
    if drop_old:
        _write(ring.keys[:1])
        click.echo("the older keys are forgotten")


def _write(keys: tuple[str, ...]) -> None:
    FIELD_KEYS.write_text("\n".join(keys) + "\n")
    FIELD_KEYS.chmod(0o600)


COMMANDS = (rotate_field_key,)
