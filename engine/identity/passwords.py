"""Password hashes: argon2id for every new hash, the older `scrypt$salt$digest` still verified.

A stored scrypt hash (or an argon2 hash made with weaker parameters than
today's) verifies as before and is reported as needing a new hash, so the
next successful sign-in replaces it without anyone resetting a password.

The argon2id parameters are OWASP's first recommendation (46 MiB, one pass,
one lane): about the cost of the scrypt check they replace, so signing in
costs what it did. They are stored in each hash, so raising them later only
makes old hashes "need a new hash" again.

An unknown user name is checked against a dummy hash of the same kind, so a
sign-in takes as long whether or not the name exists.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1)


@dataclass(frozen=True)
class Verdict:
    """Whether the password matched, and whether its stored hash should be replaced by a new one."""

    ok: bool
    needs_new_hash: bool = False


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str, password: str) -> Verdict:
    if stored.startswith("scrypt$"):
        return Verdict(_verify_scrypt(stored, password), needs_new_hash=True)
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return Verdict(False)
    return Verdict(True, HASHER.check_needs_rehash(stored))


def verify_nothing(password: str) -> Verdict:
    """Spend the time a real check would, for a user name that does not exist; never matches."""
    verify_password(_dummy_hash(), password)
    return Verdict(False)


@cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def _verify_scrypt(stored: str, password: str) -> bool:
    """The hashes OpsFlow wrote before argon2: scrypt N=2^14, r=8, p=1 with a 16-byte salt."""
    try:
        _, salt_hex, digest_hex = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)
