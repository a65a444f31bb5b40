"""The `opsflow` command (also `flask --app app ...`): database, deployment, users, tokens, validation,
backups."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from engine import Bundle, DefinitionError, refresh_statistics, utcnow

from . import backup_commands, identity_commands, key_commands
from .demo_history import HistoryWriter, history_count
from .extensions import db, workflow_engine
from .migrate import upgrade


def _engine_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def prepare(app: Flask, demo: bool = True, history: int = 0) -> None:
    """Everything a fresh install needs before serving: schema, processes, demo data, and with `history`
    that many finished requests of months past, once (so the monitor opens on real waiting times)."""
    from .demo import seed_instances, seed_rule_sets, seed_users

    with app.app_context():
        upgrade(_engine_url())
        workflow_engine().deploy_path(Path(app.config["PROCESSES_DIR"]))
        refresh_statistics(db.engine)
        if demo:
            seed_users(db.session)
            db.session.commit()
            seed_instances(workflow_engine(), db.session)
            seed_rule_sets(app.extensions["opsflow.rules"])
            if history and not history_count(db.engine):
                HistoryWriter(db.engine, utcnow()).write(history)
                refresh_statistics(db.engine)


def demo_history_size() -> int:
    """OPSFLOW_DEMO_HISTORY: how many finished requests the demo set-up writes (0: none)."""
    return int(os.environ.get("OPSFLOW_DEMO_HISTORY", "3000"))


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade(_engine_url())
    click.echo("database is up to date")


@click.command("deploy")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def deploy(path: Path | None) -> None:
    """Deploy BPMN files (default: every process in processes/); a changed file becomes a new version."""
    try:
        results = workflow_engine().deploy_path(path or Path(current_app.config["PROCESSES_DIR"]))
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(f"ERROR {problem}", err=True)
        sys.exit(1)
    for r in results:
        click.echo(f"{r.key} v{r.version} {'deployed' if r.created else 'unchanged'}")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create the demo accounts (password 'demo'), demo purchase requests and the demo rule set."""
    from .demo import seed_instances, seed_rule_sets, seed_users

    seed_users(db.session)
    db.session.commit()
    started = seed_instances(workflow_engine(), db.session)
    seed_rule_sets(current_app.extensions["opsflow.rules"])
    click.echo(f"demo users ready; {started} demo requests started")


@click.command("seed-history")
@click.option("--instances", default=10_000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="finished purchase requests to write")
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 60), help="how far back they go")
@click.option("--seed", default=13, show_default=True, help="random seed: the same seed writes the same history")
@with_appcontext
def seed_history(instances: int, months: int, seed: int) -> None:
    """Write months of realistic purchase-approval history (bulk inserts): waits and work drawn in working
    hours, SLA breaches, rejections, returns and approvals by rule."""
    try:
        writer = HistoryWriter(db.engine, utcnow(), months=months, seed=seed)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    with click.progressbar(length=instances, label="history", file=sys.stderr) as bar:
        written, tasks = writer.write(instances, bar.update)
    refresh_statistics(db.engine)
    click.echo(f"{written} finished requests with {tasks} tasks written over {months} months")


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def validate(paths: tuple[Path, ...]) -> None:
    """Check BPMN/DMN files: OK, or each error with element id and line; non-zero exit on any error.

    A BPMN file is checked with the DMN files beside it that define the decisions it calls; a folder
    as a bundle (each BPMN with every DMN file in its folder)."""
    from engine import SourceFile, bpmn_files, parse_dmn

    failed = False
    for path in paths:
        # A folder is a bundle: each BPMN with every DMN beside it. A file is checked with the DMN it calls.
        bundle = Bundle.from_path if path.is_dir() else Bundle.for_file
        files = bpmn_files(path) + sorted(path.rglob("*.dmn")) if path.is_dir() else [path]
        for file in files:
            try:
                if file.suffix == ".dmn":
                    parse_dmn(SourceFile(str(file), file.read_bytes()))
                else:
                    workflow_engine().definitions.check(bundle(file))
                click.echo(f"{file}: OK")
            except DefinitionError as exc:
                failed = True
                for problem in exc.problems:
                    click.echo(f"{file}: ERROR {problem}")
    sys.exit(1 if failed else 0)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-demo", is_flag=True, help="do not create the demo accounts and requests")
@click.option("--workers", default=1, type=click.IntRange(1, 64),
              help="worker processes (gunicorn); 1 serves in this process with threads (waitress)")
@with_appcontext
def serve(host: str, port: int, no_demo: bool, workers: int) -> None:
    """Prepare the database and serve OpsFlow."""
    app = current_app._get_current_object()
    prepare(app, demo=not no_demo, history=0 if no_demo else demo_history_size())
    from .server import run, run_threaded

    if workers == 1:
        run_threaded(app, host, port)
        return
    from . import create_app

    run(create_app, host, port, workers)


COMMANDS = (init_db, deploy, seed_demo, seed_history, *identity_commands.COMMANDS, *key_commands.COMMANDS, validate,
            serve, *backup_commands.COMMANDS)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    return create_app()


main = FlaskGroup(name="opsflow", create_app=_create_app, add_default_commands=False,
                  help="OpsFlow operations management system.")


if __name__ == "__main__":
    main()
