"""Configuration from the environment (DATABASE_URL, OPSFLOW_SECRET_KEY, ...)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE = Path(os.environ.get("OPSFLOW_INSTANCE", Path(__file__).resolve().parents[1] / "instance"))


def _secret_key() -> str:
    """The configured key, else one kept in instance/ so sessions survive a restart."""
    if os.environ.get("OPSFLOW_SECRET_KEY"):
        return os.environ["OPSFLOW_SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    keyfile = INSTANCE / "secret_key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_hex(32))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


def from_environment() -> dict[str, object]:
    INSTANCE.mkdir(parents=True, exist_ok=True)
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'opsflow.db'}"),
        "PROCESSES_DIR": os.environ.get("OPSFLOW_PROCESSES", str(Path(__file__).resolve().parents[1] / "processes")),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("OPSFLOW_TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ["zh_CN", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }
