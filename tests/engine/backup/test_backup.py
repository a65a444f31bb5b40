"""Backups that restore, on the demo company's real database and real files (SQLite, or PostgreSQL with
pg_dump/pg_restore when DATABASE_URL points at it).

A restore must give back exactly what was backed up — every row of every table, every attachment
byte for byte, the key files — and a backup or restore that cannot be trusted must be refused
before anything changes.
"""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from backup_helpers import (
    SECRET_KEY,
    DemoCompany,
    all_files,
    all_rows,
    field_keys,
    site_listing,
)
from demo_databases import USE_PG
from sqlalchemy import inspect, make_url, text

from engine import make_engine
from engine.backup import (
    ArchiveReader,
    BackupError,
    Installation,
    NoProgress,
    create_backup,
    open_backup,
    restore_backup,
)
from webui.demo_people import demo_actor
from webui.migrate import alembic_config, upgrade

pytest_plugins = ["backup_fixtures"]
KNOWN = frozenset(s.revision for s in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions())


def migrate(url: str, _keys: object) -> None:
    upgrade(url)


def restore(site: Installation, path: Path) -> list[str]:
    with open_backup(path) as reader:
        return list(restore_backup(reader, site, known_revisions=KNOWN, migrate=migrate).kept)


def execute(site: Installation, statement: str) -> None:
    db = make_engine(site.database_url)
    with db.begin() as conn:
        conn.execute(text(statement))
    db.dispose()


def decide_something(site: Installation) -> None:
    """What happens after a backup: a request approved, another filed."""
    company = DemoCompany(site)
    company.approve(company.request())
    company.request(quantity=5)
    company.close()


def snapshot(site: Installation) -> tuple[object, ...]:
    """All a restore could change: rows, attachment files, key files, and every name in the site."""
    return (all_rows(site.database_url), all_files(site.attachments_dir), all_files(site.instance_dir),
            site_listing(site))


def kept_instances(site: Installation, kept: list[str]) -> set[int]:
    """The instance ids in the database the restore replaced and kept aside."""
    if USE_PG:
        name = next(k.removeprefix("database ") for k in kept if k.startswith("database "))
        url = make_url(site.database_url).set(database=name).render_as_string(hide_password=False)
    else:
        live = Path(make_url(site.database_url).database or "").resolve()
        url = "sqlite:///" + next(k for k in kept if k.startswith(f"{live}.before-restore-"))
    db = make_engine(url)
    with db.connect() as conn:
        ids = set(conn.execute(text("SELECT id FROM process_instances")).scalars())
    db.dispose()
    return ids


def test_a_restore_brings_back_every_row_every_file_and_the_keys_as_backed_up(demo_site: Installation,
                                                                               tmp_path: Path) -> None:
    company = DemoCompany(demo_site)
    waiting = company.request()  # open when the backup is made, approved after it
    company.close()
    report = create_backup(demo_site, tmp_path / "backup.tar")
    rows, files = all_rows(demo_site.database_url), all_files(demo_site.attachments_dir)
    assert report.manifest.schema_revisions == tuple(r for (r,) in rows["alembic_version"])
    assert len(files) >= 4 and {e.path for e in report.manifest.attachments} == set(files)
    assert report.manifest.tables == {table: len(table_rows) for table, table_rows in rows.items()}
    assert sorted(e.path for e in report.manifest.keys) == ["field_keys", "secret_key"]

    company = DemoCompany(demo_site)
    company.approve(waiting)
    filed_after = company.request(quantity=3)
    company.workplace.attach(filed_after, demo_actor("alice"), "quote.pdf", io.BytesIO(b"%PDF-1.4 the quote"))
    company.close()
    deleted = sorted(files)[0]
    (demo_site.attachments_dir / deleted).unlink()
    (demo_site.instance_dir / "secret_key").write_bytes(b"a key made after the backup")
    (demo_site.instance_dir / "report_key").write_bytes(b"a key file the backup does not have")
    assert all_rows(demo_site.database_url) != rows
    keys_for_migrations: dict[str, bytes] = {}

    def record_keys(url: str, keys: dict[str, Path]) -> None:
        keys_for_migrations.update({name: path.read_bytes() for name, path in keys.items()})
        upgrade(url)

    with open_backup(report.path) as reader:
        kept = list(restore_backup(reader, demo_site, known_revisions=KNOWN, migrate=record_keys).kept)

    assert all_rows(demo_site.database_url) == rows
    assert all_files(demo_site.attachments_dir) == files
    assert (demo_site.instance_dir / "secret_key").read_bytes() == SECRET_KEY
    assert (demo_site.instance_dir / "field_keys").read_bytes() == field_keys()
    assert (demo_site.instance_dir / "report_key").read_bytes() == b"a key file the backup does not have"
    # the migrations ran with the keys the restored data is read with: the backup's, else the installation's
    assert keys_for_migrations == {"secret_key": SECRET_KEY, "field_keys": field_keys(),
                                   "report_key": b"a key file the backup does not have"}
    assert filed_after in kept_instances(demo_site, kept)  # what it replaced is kept aside, not lost
    company = DemoCompany(demo_site)
    company.approve(company.request())  # and OpsFlow goes on from the restored state
    company.close()


class WaitForWrites(NoProgress):
    """Lets the writer commit a few times once the database copy has begun, and once more at each step."""

    def __init__(self, commits: threading.Semaphore) -> None:
        self.commits, self.copying, self.waited = commits, False, 0

    def _wait(self, times: int) -> None:
        for _ in range(times):
            assert self.commits.acquire(timeout=30), "the writer stopped writing"
            self.waited += 1

    def start(self, label: str, total: int) -> None:
        self.copying = label in ("database pages", "pg_dump tables")
        if self.copying:
            self._wait(3)

    def advance(self, steps: int = 1) -> None:
        if self.copying and self.waited < 30:
            self._wait(1)


def test_a_backup_taken_while_requests_are_decided_holds_one_moment(demo_site: Installation,
                                                                     tmp_path: Path) -> None:
    commits, stop, failures = threading.Semaphore(0), threading.Event(), []

    def write() -> None:
        company = DemoCompany(demo_site)
        try:
            while not stop.is_set():
                instance_id = company.request()
                commits.release()
                company.approve(instance_id)
                commits.release()
        except Exception as exc:  # noqa: BLE001 (reported by the test below)
            failures.append(exc)
        finally:
            company.close()

    writer = threading.Thread(target=write)
    writer.start()
    progress = WaitForWrites(commits)
    try:
        report = create_backup(demo_site, tmp_path / "busy.tar", progress=progress, pages_per_step=8)
    finally:
        stop.set()
        writer.join()
    assert failures == [] and progress.waited >= 3  # the writer committed while the database was copied
    live_events = all_rows(demo_site.database_url)["events"]

    restore(demo_site, report.path)  # checks the restored tables hold the manifest's counts

    rows = all_rows(demo_site.database_url)
    events = rows["events"]
    assert len(events) < len(live_events)  # what was committed after the copy began is not in it,
    assert events == [e for e in live_events if e[0] <= max(e[0] for e in events)]  # and nothing is half in it
    db = make_engine(demo_site.database_url)
    with db.connect() as conn:
        disagreeing = conn.execute(text("""
            SELECT i.id FROM process_instances i WHERE
              (SELECT count(*) FROM events e WHERE e.instance_id = i.id AND e.kind = 'instance_started') <> 1
              OR (SELECT count(*) FROM events e WHERE e.instance_id = i.id AND e.kind = 'task_created')
                 <> (SELECT count(*) FROM human_tasks t WHERE t.instance_id = i.id)
              OR (SELECT count(*) FROM events e WHERE e.instance_id = i.id AND e.kind = 'task_completed')
                 <> (SELECT count(*) FROM human_tasks t WHERE t.instance_id = i.id AND t.status = 'completed')
              OR (i.status = 'completed') <> EXISTS (SELECT 1 FROM events e WHERE e.instance_id = i.id
                                                     AND e.kind = 'instance_completed')""")).all()
    db.dispose()
    assert disagreeing == []


def _flip_a_byte(archive: Path, member: str) -> None:
    with tarfile.open(archive) as tar:
        offset = tar.getmember(member).offset_data
    with archive.open("r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ 0xFF]))


def test_an_archive_with_a_damaged_attachment_is_refused_and_nothing_changes(demo_site: Installation,
                                                                            tmp_path: Path) -> None:
    report = create_backup(demo_site, tmp_path / "backup.tar")
    damaged = f"attachments/{report.manifest.attachments[0].path}"
    _flip_a_byte(report.path, damaged)
    decide_something(demo_site)
    before = snapshot(demo_site)

    with pytest.raises(BackupError, match=f"damaged: the checksum of {damaged} does not match"):
        restore(demo_site, report.path)
    assert snapshot(demo_site) == before

    with ArchiveReader(report.path) as reader:  # past the check up front, the restore checks every file again
        with pytest.raises(BackupError, match=f"the checksum of {damaged}"):
            restore_backup(reader, demo_site, known_revisions=KNOWN, migrate=migrate)
    assert snapshot(demo_site) == before


def test_a_backup_of_a_newer_schema_is_refused_and_nothing_changes(demo_site: Installation, tmp_path: Path) -> None:
    ((current,),) = all_rows(demo_site.database_url)["alembic_version"]
    execute(demo_site, "UPDATE alembic_version SET version_num = '0099'")  # as a later OpsFlow would leave it
    report = create_backup(demo_site, tmp_path / "newer.tar")
    assert report.manifest.schema_revisions == ("0099",)
    execute(demo_site, f"UPDATE alembic_version SET version_num = '{current}'")
    decide_something(demo_site)
    before = snapshot(demo_site)

    with pytest.raises(BackupError, match="schema revision 0099 is newer than this OpsFlow knows"):
        restore(demo_site, report.path)
    assert snapshot(demo_site) == before


def _rewrite_manifest(archive: Path, target: Path, change: dict[str, object]) -> None:
    with tarfile.open(archive) as source, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"].update(change)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_a_restored_database_without_the_rows_the_manifest_counts_is_thrown_away(demo_site: Installation,
                                                                                  tmp_path: Path) -> None:
    report = create_backup(demo_site, tmp_path / "backup.tar")
    events = report.manifest.tables["events"]
    _rewrite_manifest(report.path, tmp_path / "miscounted.tar", {"events": events + 1})
    decide_something(demo_site)
    before = snapshot(demo_site)

    with pytest.raises(BackupError, match=f"table events has {events} rows, the manifest says {events + 1}"):
        restore(demo_site, tmp_path / "miscounted.tar")
    assert snapshot(demo_site) == before


def test_a_backup_of_an_older_schema_is_restored_and_brought_up_to_date(demo_site: Installation,
                                                                         tmp_path: Path) -> None:
    config = alembic_config(demo_site.database_url)
    heads = all_rows(demo_site.database_url)["alembic_version"]
    command.downgrade(config, "0011")  # the database as the OpsFlow before sign-in sessions kept it
    report = create_backup(demo_site, tmp_path / "older.tar")
    assert report.manifest.schema_revisions == ("0011",)
    rows = all_rows(demo_site.database_url)
    command.upgrade(config, "heads")  # OpsFlow was upgraded since, and went on working
    decide_something(demo_site)

    restore(demo_site, report.path)

    restored = all_rows(demo_site.database_url)
    assert restored["alembic_version"] == heads
    db = make_engine(demo_site.database_url)
    with db.connect() as conn:
        assert {"login_sessions", "login_failures"} <= set(inspect(conn).get_table_names())
    db.dispose()
    assert {t: len(restored[t]) for t in rows} == {t: len(r) for t, r in rows.items()}
    history = ("process_definitions", "process_instances", "human_tasks", "events", "audit_log", "attachments")
    # no migration since rewrites these; a column added since (the task rows' waiting and working time) comes last
    width = {t: len(rows[t][0]) if rows[t] else 0 for t in history}
    assert {t: sorted((r[:width[t]] for r in restored[t]), key=repr) for t in history} == {t: rows[t] for t in history}


def test_a_backup_of_the_other_database_kind_is_refused(demo_site: Installation, tmp_path: Path) -> None:
    report = create_backup(demo_site, tmp_path / "backup.tar")
    other_url = "sqlite:///" + str(tmp_path / "other" / "opsflow.db") if USE_PG else \
        "postgresql+psycopg://opsflow@db.example:5432/opsflow"
    other = Installation(other_url, tmp_path / "other" / "attachments", tmp_path / "other" / "instance")
    ours, theirs = ("PostgreSQL", "SQLite") if USE_PG else ("SQLite", "PostgreSQL")

    with pytest.raises(BackupError, match=f"holds a {ours} database, but this OpsFlow uses {theirs}"):
        restore(other, report.path)
    assert not (tmp_path / "other").exists()


def test_without_pg_dump_a_backup_says_which_package_provides_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    site = Installation("postgresql+psycopg://opsflow@db.example:5432/opsflow", tmp_path / "a", tmp_path / "i")

    with pytest.raises(BackupError, match="pg_dump was not found on PATH.*apt-get install postgresql-client"):
        create_backup(site, tmp_path / "backup.tar")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> object:
    """A 128 KB file system, far too small for the demo database (needs root and tmpfs; skipped without)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(folder)],
                      capture_output=True, check=False).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_backup_that_does_not_fit_is_refused_and_leaves_nothing(demo_site: Installation, small_disk: Path) -> None:
    with pytest.raises(BackupError, match="space"):
        create_backup(demo_site, small_disk / "backup.tar")
    assert list(small_disk.iterdir()) == []


def test_a_restore_is_refused_while_someone_writes_to_the_database(demo_site: Installation, tmp_path: Path) -> None:
    report = create_backup(demo_site, tmp_path / "backup.tar")
    decide_something(demo_site)
    before = snapshot(demo_site)
    if USE_PG:  # a web worker's connection, idle or not
        db = make_engine(demo_site.database_url)
        busy = db.connect()
    else:  # a web worker in the middle of a step
        busy = sqlite3.connect(make_url(demo_site.database_url).database, isolation_level=None)
        busy.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(BackupError, match="stop OpsFlow's web server and schedulers"):
            restore(demo_site, report.path)
    finally:
        busy.close()
        if USE_PG:
            db.dispose()
    assert snapshot(demo_site) == before


def test_a_backup_is_refused_where_it_cannot_be_kept(demo_site: Installation, tmp_path: Path) -> None:
    (tmp_path / "earlier.tar").write_bytes(b"last night's backup")
    with pytest.raises(BackupError, match="already exists"):
        create_backup(demo_site, tmp_path / "earlier.tar")
    assert (tmp_path / "earlier.tar").read_bytes() == b"last night's backup"
    with pytest.raises(BackupError, match="the folder .*nowhere does not exist"):
        create_backup(demo_site, tmp_path / "nowhere" / "backup.tar")
    with pytest.raises(BackupError, match="outside the attachments folder"):
        create_backup(demo_site, demo_site.attachments_dir / "backup.tar")
    assert not (demo_site.attachments_dir / "backup.tar").exists()
