"""`opsflow backup PATH` and `opsflow restore PATH`: the engine's backups with progress bars.

The work is in engine/backup; this file names the installation (the configured database, the
attachments root the workplace uses, the instance folder with the key files), supplies the
migrations a restore ends with, and shows each phase as a bar.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext

from engine import backup

from .extensions import db, workflow_engine, workplace
from .migrate import alembic_config, upgrade


class BarProgress:
    """Each phase of a backup or restore as one click progress bar."""

    def __init__(self) -> None:
        self._bar: Any = None  # click's ProgressBar, a private class

    def start(self, label: str, total: int) -> None:
        self.finish()
        self._bar = click.progressbar(length=max(total, 1), label=f"{label:<26}")
        self._bar.__enter__()

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None and steps:
            self._bar.update(steps)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _installation() -> backup.Installation:
    return backup.Installation(current_app.config["SQLALCHEMY_DATABASE_URI"], workplace().attachment_root,
                        Path(current_app.instance_path))


def known_revisions() -> frozenset[str]:
    """Every schema revision this code's migrations know: a backup at any other is from a newer OpsFlow."""
    scripts = ScriptDirectory.from_config(alembic_config(current_app.config["SQLALCHEMY_DATABASE_URI"]))
    return frozenset(script.revision for script in scripts.walk_revisions())


def _migrate(url: str, keys: Mapping[str, Path]) -> None:
    """The restored database's migrations, encrypting (where one does) with the key files the restored data
    will be read with: the backup's, else this installation's — not the live files the restore has not yet
    replaced."""
    upgrade(url, keys.get("field_keys"))


def _keys_in_environment() -> list[str]:
    """Keys given as OPSFLOW_…_KEY(S) variables: they are not files in instance/, so no backup holds them."""
    return sorted(name for name, value in os.environ.items()
                  if value and name.startswith("OPSFLOW_") and name.endswith(("_KEY", "_KEYS")))


def _fail(exc: backup.BackupError) -> NoReturn:
    click.echo(f"error: {exc}", err=True)
    sys.exit(1)


def _contents(manifest: backup.Manifest) -> str:
    keys = ", ".join(entry.path for entry in manifest.keys) or "none"
    return (f"{backup.KIND_NAMES[manifest.database_kind]} database at schema {', '.join(manifest.schema_revisions)}: "
            f"{len(manifest.tables)} tables, {manifest.rows} rows; {len(manifest.attachments)} attachment files "
            f"({backup.size_text(sum(e.size for e in manifest.attachments))}); key files: {keys}")


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back up the database, every attachment and the key files into one .tar file, while OpsFlow runs.

    PATH is the file to write, or a folder to write opsflow-backup-<time>.tar into. The file holds
    instance/secret_key and the other key files: keep it as safe as the keys themselves."""
    started, progress = time.monotonic(), BarProgress()
    try:
        report = backup.create_backup(_installation(), path, clock=workflow_engine().clock, progress=progress)
    except backup.BackupError as exc:
        progress.finish()
        _fail(exc)
    click.echo(f"backup written: {report.path} ({backup.size_text(report.size)}) in {time.monotonic() - started:.1f} s")
    click.echo(f"  {_contents(report.manifest)}")
    for missing in report.manifest.missing_files:
        click.echo(f"warning: the file of attachment {missing.attachment_id} ({missing.path}) was already missing "
                   f"from the attachments folder, so it is not in the backup", err=True)
    if report.manifest.keys:
        click.echo("this file holds the key files above: keep it as safe as the keys themselves")
    for name in _keys_in_environment():
        click.echo(f"warning: {name} is set: that key comes from the environment, not from a file in instance/, "
                   f"so it is not in the backup; keep it beside the backup, as safely", err=True)


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="replace without asking")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Put the database, the attachments and the key files back as the backup at PATH holds them.

    Stop OpsFlow's web server and schedulers first. The whole backup is checked before anything
    changes; what it replaces is kept beside it (…before-restore-<time>); the migrations then
    bring an older backup's schema up to date."""
    installation, known = _installation(), known_revisions()
    started, progress = time.monotonic(), BarProgress()
    try:
        with backup.open_backup(path, progress) as reader:
            manifest = reader.manifest
            click.echo(f"backup of {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC by OpsFlow {manifest.opsflow_version}")
            click.echo(f"  {_contents(manifest)}")
            backup.check_restorable(manifest, installation, known)
            if not yes:
                keys = " and the key files" if manifest.keys else ""
                click.confirm(f"Replace the database {installation.database_name}, every file under "
                              f"{installation.attachments_dir}{keys} with this backup?", abort=True)
                started = time.monotonic()
            db.engine.dispose()  # this process's own connections must not hold the database being replaced
            report = backup.restore_backup(reader, installation, known_revisions=known, migrate=_migrate,
                                    clock=workflow_engine().clock, progress=progress)
    except backup.BackupError as exc:
        progress.finish()
        _fail(exc)
    click.echo(f"restored in {time.monotonic() - started:.1f} s; schema now at {', '.join(report.schema_revisions)}")
    for kept in report.kept:
        click.echo(f"  what it replaced is kept as {kept}")
    if report.kept:
        click.echo("delete those once the restored OpsFlow is as it should be")


COMMANDS = (backup_command, restore_command)
