"""pg_dump and pg_restore: found on PATH, given the configured connection, their --verbose output
turned into progress steps and their errors into one message."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence

from sqlalchemy.engine import URL

from .errors import BackupError
from .progress import Progress

PACKAGE_HINT = ("it comes with PostgreSQL's client programs, of the server's major version or newer "
                "(Debian/Ubuntu: apt-get install postgresql-client; RHEL/Fedora: dnf install postgresql)")
_VERBOSE = re.compile(r"^(pg_dump|pg_restore): (?!error:|detail:|hint:|warning:)[a-z]")


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH: {PACKAGE_HINT}")
    return found


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def conninfo(url: URL, database: str | None = None) -> str:
    """libpq's connection string for the URL, without the password (that goes in PGPASSWORD, not argv)."""
    parts = {"host": url.host, "port": str(url.port) if url.port else None, "user": url.username,
             "dbname": database or url.database}
    for key, value in url.query.items():
        parts[key] = value if isinstance(value, str) else value[-1]
    return " ".join(f"{key}={_quote(value)}" for key, value in parts.items() if value)


def environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def toc_entries(dump: str, url: URL) -> int:
    """How many steps pg_restore --verbose will report for this dump: one per entry of its table of contents."""
    listing = _run([tool("pg_restore"), "--list", dump], url)
    return sum(1 for line in listing.splitlines() if line.strip() and not line.startswith(";"))


def _run(args: Sequence[str], url: URL) -> str:
    done = subprocess.run(args, capture_output=True, text=True, env=environment(url), check=False)
    if done.returncode:
        raise BackupError(f"{os.path.basename(args[0])} failed: {_errors(done.stderr.splitlines())}")
    return done.stdout


def _errors(lines: Sequence[str]) -> str:
    found = [line.strip() for line in lines if line.strip() and not _VERBOSE.match(line)
             and not line.startswith(("NOTICE:", "WARNING:"))]
    message = "; ".join(found[-6:]) or "no message"
    if "No space left" in message:
        message += " (the disk is full)"
    return message


def run_verbose(args: Sequence[str], url: URL, progress: Progress, label: str, total: int,
                is_step: Callable[[str], bool]) -> None:
    """Run a tool with --verbose: each line `is_step` accepts advances the bar; the others are its errors."""
    progress.start(label, total)
    errors: list[str] = []
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=environment(url)) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if is_step(line):
                progress.advance()
            else:
                errors.append(line)
        code = proc.wait()
    progress.finish()
    if code:
        raise BackupError(f"{os.path.basename(args[0])} failed: {_errors(errors)}")
