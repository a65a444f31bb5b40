"""Shared fixtures: a real, migrated database for every test.

SQLite by default (a fresh file per test, copied from one migrated
template); PostgreSQL when DATABASE_URL points at it (migrated once, and
put back to its saved rows before each test: see pg_snapshot).
"""
from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from demo_databases import PG_URL, USE_PG, copy_demo, drop_worker_database, pg_admin
from http_receiver import Receiver, serve
from pg_snapshot import Snapshot
from sqlalchemy import Engine, make_url, text

from engine import ServiceRegistry, WorkflowEngine, make_engine
from engine.identity import passwords
from modules import register_all
from webui.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ROOT / "processes"

# Every sign-in and every seeded user cost a full argon2 hash at OWASP's parameters (46 MiB, ~0.1 s), and the
# suite signs in thousands of times. Its hashes are made at argon2's least cost instead; the code that hashes
# and verifies is the same. `production_passwords` puts the real parameters back for the tests that check
# them (tests/engine/identity/test_passwords.py) or time a sign-in.
PRODUCTION_HASHER = passwords.HASHER
passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The modules, test functions and parameters loaded so far live the whole run: frozen, the collector no
    longer walks them. Each test then builds an app, engines and parsed flows that are garbage when it ends: at
    Python's default thresholds the collector's full passes over them took a sixth of a web test's time, at these
    a twentieth."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


# Under `make test`'s workers every test is handed to whichever worker is free, so neither waits at the end on
# the other's long file; the tests of a file that share a module fixture (a browser module's served app, the
# sign-on tests' provider) or add up one figure (the hostile workbooks) go to one worker together, which sets
# it up once. The files with most tests go first.
TOGETHER = ("tests/browser/", "tests/webui/test_sso.py", "tests/webui/test_xlsx_hostile.py")


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixturesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::")[0]
            return path if path.startswith(TOGETHER) else nodeid

    return SharedFixturesTogether(config, log)


@pytest.fixture
def production_passwords(monkeypatch: pytest.MonkeyPatch) -> Iterator[PasswordHasher]:
    """Passwords hashed with the parameters OpsFlow runs with."""
    monkeypatch.setattr(passwords, "HASHER", PRODUCTION_HASHER)
    passwords._dummy_hash.cache_clear()
    yield PRODUCTION_HASHER
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _worker_database() -> Iterator[None]:
    """Set up first, torn down last: a pytest-xdist worker's own PostgreSQL database is dropped at its end."""
    yield
    drop_worker_database()


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    if USE_PG:
        db = make_engine(PG_URL)
        with db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.dispose()
        upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def _empty_snapshot(_template_db: str) -> Iterator[Snapshot | None]:
    """PostgreSQL: the migrated, empty database as saved right after the migrations."""
    if not USE_PG:
        yield None
        return
    snapshot = Snapshot(PG_URL)
    yield snapshot
    snapshot.dispose()


@pytest.fixture
def database_url(_template_db: str, _empty_snapshot: Snapshot | None, tmp_path: Path) -> str:
    """A migrated, empty database for this test."""
    if _empty_snapshot is not None:
        return _empty_snapshot.restore()
    path = tmp_path / "opsflow.db"
    shutil.copyfile(_template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Another system over real HTTP on a free local port, counting what it is sent (`http_receiver`)."""
    got = Receiver()
    server = serve(got)
    yield got
    got.release()
    server.shutdown()


@pytest.fixture
def registry() -> ServiceRegistry:
    return register_all(ServiceRegistry())


@pytest.fixture
def workflow_engine(db: Engine, registry: ServiceRegistry) -> WorkflowEngine:
    """An engine with the business modules registered and every process in processes/ deployed."""
    eng = WorkflowEngine(db, registry)
    eng.deploy_path(PROCESSES)
    return eng


def _prepared(url: str) -> None:
    from webui import create_app
    from webui.cli import prepare
    from webui.extensions import db as flask_db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test"})
    prepare(app)
    with app.app_context():
        flask_db.engine.dispose()  # on SQLite the last connection closing folds the WAL into the file


@pytest.fixture(scope="session")
def _demo_template(_template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo company prepared once: a SQLite file copied per test, or a PostgreSQL template database."""
    if USE_PG:
        name = f"{make_url(PG_URL).database}_demo_template"
        pg_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        _prepared(url)
        yield name
        pg_admin([f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in (f"{name}_run", f"{name}_browser", name)])
        return
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(_template_db, path)
    _prepared(f"sqlite:///{path}")
    yield str(path)


@pytest.fixture(scope="session")
def _demo_snapshot(_demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot | None]:
    """PostgreSQL: one copy of the demo template, saved as made; each test gets it back as saved."""
    if not USE_PG:
        yield None
        return
    snapshot = Snapshot(copy_demo(_demo_template, tmp_path_factory.mktemp("demo_run")))
    yield snapshot
    snapshot.dispose()


@pytest.fixture
def demo_database_url(_demo_template: str, _demo_snapshot: Snapshot | None, tmp_path: Path) -> str:
    """A migrated database holding what a new install shows: processes deployed, demo users and requests."""
    if _demo_snapshot is not None:
        return _demo_snapshot.restore()
    return copy_demo(_demo_template, tmp_path)


@pytest.fixture
def served_db(_demo_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo company for a server this test starts (and stops or kills)."""
    url = copy_demo(_demo_template, tmp_path, "served")
    yield url
    if USE_PG:
        pg_admin([f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'])


class Clock:
    """The time a test decides: engines and stores call it; the test sets `now` or advances it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def make_clock() -> Callable[[datetime], Clock]:
    return Clock


@pytest.fixture
def job_runs(db: Engine) -> Iterator[Engine]:
    """A `job_runs (job_id, worker)` table where scheduler processes under test count what they ran."""
    with db.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS job_runs"))
        conn.execute(text("CREATE TABLE job_runs (job_id INTEGER, worker VARCHAR(20))"))
    yield db
    with db.begin() as conn:
        conn.execute(text("DROP TABLE job_runs"))


# The adversarial suite (`pytest -m adversarial`): races, crashes, refusals and hostile files. Its tests report
# what they measured with `figure`, printed together at the end of the run. A figure travels on its test's
# report (`user_properties`), so the figures of tests run by pytest-xdist workers reach the process that prints.
FIGURES: dict[str, str] = {}
_FIGURE = "opsflow.figure"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "teardown":
        for key, value in report.user_properties:
            if key == _FIGURE:
                name, text = value
                FIGURES[name] = text


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("adversarial figures")
        for name, text in FIGURES.items():
            terminalreporter.write_line(f"{name}: {text}")


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """`figure(name, text)`: a line of the adversarial report."""
    def _add(name: str, text: str) -> None:
        request.node.user_properties.append((_FIGURE, (name, text)))
    return _add
