"""What a database column can hold, for every layer that takes values from outside.

SQLite and PostgreSQL both store integers in 64 bits and refuse larger ones
with an error instead of a clear refusal; PostgreSQL refuses NUL (U+0000) in
text, and neither can encode a lone surrogate (U+D800–U+DFFF, which JSON's
"\\ud800" escape makes) as UTF-8. Checking values against these limits where
they enter (a request, a form, a spreadsheet) turns what would be a database
error half-way through a write into a message naming the field.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
ID_MAX = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_char(text: str) -> str | None:
    """The first character of `text` no database can store, written as an escape (`\\x00`, `\\ud800`)."""
    found = _UNSTORABLE.search(text)
    return None if found is None else escape_unstorable(found.group())


def escape_unstorable(text: str) -> str:
    """`text` with each unstorable character replaced by its escape, safe to put in a message or a page."""
    return _UNSTORABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def fits_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def storable_number(value: int | float | Decimal) -> bool:
    """An integer in 64 bits, or a finite float or decimal (NaN and infinity compare and sum to nonsense)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return fits_int64(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)
