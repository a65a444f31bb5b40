"""Configuration from the environment (DATABASE_URL, OPSFLOW_SECRET_KEY, ...).

Signing in (see README "Sign-in and sessions"): OPSFLOW_SESSION_IDLE_MINUTES (480),
OPSFLOW_SESSION_LIFETIME_HOURS (12), OPSFLOW_LOGIN_MAX_FAILURES (5 per user name),
OPSFLOW_LOGIN_ADDRESS_MAX_FAILURES (20 per client address), OPSFLOW_LOGIN_WINDOW_MINUTES (15),
OPSFLOW_LOGIN_LOCK_MINUTES (15, doubling with each lock in a row), OPSFLOW_SECURE_COOKIES (1: always
mark the session cookie Secure; otherwise it is Secure when the request came over HTTPS) and
OPSFLOW_PROXY_HOPS (how many reverse proxies to trust for X-Forwarded-For / X-Forwarded-Proto; 0).

Single sign-on (OpenID Connect, see webui/auth/sso.py): OPSFLOW_OIDC_ISSUER, OPSFLOW_OIDC_CLIENT_ID and
OPSFLOW_OIDC_CLIENT_SECRET turn it on; OPSFLOW_OIDC_NAME, OPSFLOW_OIDC_SCOPES, OPSFLOW_OIDC_USERNAME_CLAIM,
OPSFLOW_OIDC_GROUPS_CLAIM, OPSFLOW_OIDC_CREATE_USERS and OPSFLOW_OIDC_ALLOW_PASSWORD shape it.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine import Keyring, field_crypto

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


FIELD_KEYS = INSTANCE / "field_keys"


def use_field_keys() -> Keyring:
    """The keys of encrypted fields: OPSFLOW_FIELD_KEYS, else the key file made once beside the secret key."""
    return field_crypto.use(field_crypto.from_environment(FIELD_KEYS))


def _whole_number(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ValueError(f"{name} must be 1 or 0, not {raw!r}")
    return raw in ("1", "true", "yes", "on")


def _single_sign_on() -> dict[str, object]:
    """Read as given; webui/auth/oidc.py says what is missing, so a half-configured SSO stops the start."""
    get = os.environ.get
    return {
        "OIDC_ISSUER": get("OPSFLOW_OIDC_ISSUER", "").strip(),
        "OIDC_CLIENT_ID": get("OPSFLOW_OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": get("OPSFLOW_OIDC_CLIENT_SECRET", ""),
        "OIDC_NAME": get("OPSFLOW_OIDC_NAME", "").strip(),
        "OIDC_SCOPES": get("OPSFLOW_OIDC_SCOPES", "").strip() or "openid profile email",
        "OIDC_USERNAME_CLAIM": get("OPSFLOW_OIDC_USERNAME_CLAIM", "").strip() or "preferred_username",
        "OIDC_GROUPS_CLAIM": get("OPSFLOW_OIDC_GROUPS_CLAIM", "").strip(),
        "OIDC_CREATE_USERS": _flag("OPSFLOW_OIDC_CREATE_USERS", False),
        "PASSWORD_SIGN_IN": _flag("OPSFLOW_OIDC_ALLOW_PASSWORD", True),
    }


def _sign_in() -> dict[str, object]:
    return {
        "SESSION_COOKIE_SECURE": os.environ.get("OPSFLOW_SECURE_COOKIES", "").lower() in ("1", "true", "yes", "on"),
        "PROXY_HOPS": _whole_number("OPSFLOW_PROXY_HOPS", 0),
        "SESSION_IDLE_MINUTES": _whole_number("OPSFLOW_SESSION_IDLE_MINUTES", 480, 1),
        "SESSION_LIFETIME_HOURS": _whole_number("OPSFLOW_SESSION_LIFETIME_HOURS", 12, 1),
        "LOGIN_MAX_FAILURES": _whole_number("OPSFLOW_LOGIN_MAX_FAILURES", 5, 1),
        "LOGIN_ADDRESS_MAX_FAILURES": _whole_number("OPSFLOW_LOGIN_ADDRESS_MAX_FAILURES", 20, 1),
        "LOGIN_WINDOW_MINUTES": _whole_number("OPSFLOW_LOGIN_WINDOW_MINUTES", 15, 1),
        "LOGIN_LOCK_MINUTES": _whole_number("OPSFLOW_LOGIN_LOCK_MINUTES", 15, 1),
    }


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
        **_sign_in(),
        **_single_sign_on(),
        **_service_workers(),
    }


def _service_workers() -> dict[str, object]:
    """Where service steps run: `inline` (in the step, the default) or `celery` (on workers, see README)."""
    return {"SERVICE_WORKERS": os.environ.get("OPSFLOW_SERVICE_WORKERS", "").strip().lower() or "inline"}
