"""`opsflow backup PATH` and `opsflow restore PATH` as an administrator runs them, on the demo company."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backup_helpers import DemoCompany, all_files, all_rows
from flask import Flask
from flask.testing import FlaskCliRunner

from engine.backup import Installation
from webui import create_app
from webui.extensions import db

pytest_plugins = ["backup_fixtures"]


@pytest.fixture
def site_app(demo_site: Installation) -> Iterator[Flask]:
    """OpsFlow configured for the demo site: its database, its attachments folder, its instance folder."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": demo_site.database_url, "TESTING": True, "SECRET_KEY": "test",
                      "OPSFLOW_ATTACHMENTS_DIR": str(demo_site.attachments_dir)})
    app.instance_path = str(demo_site.instance_dir)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_backup_made_and_restored_on_the_command_line(site_app: Flask, demo_site: Installation,
                                                        tmp_path: Path) -> None:
    runner = site_app.test_cli_runner()
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    (backup,) = folder.iterdir()
    assert backup.name.startswith("opsflow-backup-") and backup.suffix == ".tar"
    assert f"backup written: {backup}" in result.output
    assert "key files: field_keys, secret_key" in result.output
    assert "keep it as safe as the keys themselves" in result.output
    rows, files = all_rows(demo_site.database_url), all_files(demo_site.attachments_dir)

    company = DemoCompany(demo_site)
    company.approve(company.request())
    company.close()
    (demo_site.attachments_dir / sorted(files)[0]).unlink()
    changed = all_rows(demo_site.database_url)

    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code == 1 and "Replace the database" in result.output and "Aborted" in result.output
    assert all_rows(demo_site.database_url) == changed

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "restored in" in result.output and "what it replaced is kept as" in result.output
    assert all_rows(demo_site.database_url) == rows
    assert all_files(demo_site.attachments_dir) == files


def test_a_backup_names_what_it_cannot_hold(site_app: Flask, demo_site: Installation, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lost = sorted(all_files(demo_site.attachments_dir))[0]
    (demo_site.attachments_dir / lost).unlink()
    monkeypatch.setenv("OPSFLOW_SECRET_KEY", "given-by-the-service-manager")
    result = site_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.tar")])
    assert result.exit_code == 0, result.output
    assert f"({lost}) was already missing from the attachments folder" in result.stderr
    assert "OPSFLOW_SECRET_KEY is set: that key comes from the environment" in result.stderr


def test_restore_refuses_what_is_not_a_whole_backup(cli_app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    cli_app.instance_path = str(tmp_path / "instance")
    notes = tmp_path / "notes.txt"
    notes.write_text("quarterly figures")
    result = runner.invoke(args=["restore", "--yes", str(notes)])
    assert (result.exit_code, result.stderr.strip()) == (1, f"error: {notes} is not an OpsFlow backup: it is not a "
                                                             f"tar archive"), result.output

    backup = tmp_path / "backup.tar"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    result = runner.invoke(args=["backup", str(backup)])
    assert (result.exit_code, "already exists" in result.stderr) == (1, True), result.output
    cut = tmp_path / "cut.tar"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    result = runner.invoke(args=["restore", "--yes", str(cut)])
    assert (result.exit_code, f"error: {cut} is damaged or cut short" in result.stderr) == (1, True), result.output
    assert "restored" not in result.output
