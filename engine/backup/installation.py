"""Where one OpsFlow keeps what a backup must hold: its database, its attachments, its key files."""
from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import make_url

from .errors import BackupError

KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Installation:
    database_url: str
    attachments_dir: Path
    instance_dir: Path

    @property
    def database_kind(self) -> str:
        kind = make_url(self.database_url).get_backend_name()
        if kind not in KIND_NAMES:
            raise BackupError(f"backups cover SQLite and PostgreSQL databases, not {kind}")
        return kind

    @property
    def database_name(self) -> str:
        """The database as a person knows it: its file, or its name on the server (never the password)."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            return str(Path(url.database or "").resolve())
        return f"{url.database} on {url.host or 'localhost'}:{url.port or 5432}"


def opsflow_version() -> str:
    try:
        return version("opsflow")
    except PackageNotFoundError:
        return "unknown"
