"""The demo company with its attachment files and key files, for the backup tests.

Loaded with `pytest_plugins = ["backup_fixtures"]`. The root conftest's demo database keeps its
attachment files only on SQLite (beside the template file); a backup test needs them on both
databases, so this prepares its own demo once per session with an attachments folder it knows,
and gives each test a copy of the database, of that folder and of an instance folder with a
secret_key and a field_keys file.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from backup_helpers import SECRET_KEY, field_keys, pg_databases
from demo_databases import PG_URL, USE_PG, copy_demo, pg_admin
from sqlalchemy import make_url

from engine.backup import Installation
from webui.migrate import upgrade


@pytest.fixture(scope="session")
def _backup_demo(_template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo company prepared once: its template database (file or name) and its attachments folder."""
    from webui import create_app
    from webui.cli import prepare
    from webui.extensions import db

    folder = tmp_path_factory.mktemp("backup_demo")
    if USE_PG:
        template = f"{make_url(PG_URL).database}_bk_template"
        pg_admin([f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)', f'CREATE DATABASE "{template}"'])
        url = make_url(PG_URL).set(database=template).render_as_string(hide_password=False)
        upgrade(url)
    else:
        template = str(folder / "demo.db")
        shutil.copyfile(_template_db, template)
        url = f"sqlite:///{template}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test",
                      "OPSFLOW_ATTACHMENTS_DIR": str(folder / "attachments")})
    prepare(app)
    with app.app_context():
        db.engine.dispose()
    yield template, folder / "attachments"
    if USE_PG:
        pg_admin([f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'])


@pytest.fixture
def demo_site(_backup_demo: tuple[str, Path], tmp_path: Path) -> Iterator[Installation]:
    """A copy of the demo company: database, attachment files, instance/secret_key and instance/field_keys."""
    template, attachments = _backup_demo
    site = tmp_path / "site"
    site.mkdir()
    url = copy_demo(template, site, "site")
    shutil.copytree(attachments, site / "attachments")
    instance = site / "instance"
    instance.mkdir()
    (instance / "secret_key").write_bytes(SECRET_KEY)
    (instance / "field_keys").write_bytes(field_keys())
    (instance / "opsflow.log").write_text("not a key: stays out of the backup")
    yield Installation(url, site / "attachments", instance)
    if USE_PG:
        pg_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in pg_databases(f"{template}_site")])


