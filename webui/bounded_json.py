"""JSON from outside, parsed with bounds: nesting depth, finite numbers, storable text and integers.

A body nested thousands deep exhausts Python's stack (in the parser, or later
in whatever walks the value), `NaN`, `Infinity` and `1e400` are floats no
column or comparison handles, and a lone surrogate or a NUL in a string only
fails when the database refuses it. `loads` refuses all of these at once, and
names the place (`data.lines[2].item`) of a value that cannot be stored.
The app's JSON provider uses it too, so `request.get_json()` anywhere is bounded.
"""
from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

from engine import escape_unstorable, fits_int64, unstorable_char

MAX_DEPTH = 64


class RefusedValue(ValueError):
    """A value OpsFlow does not take (nested too deep, or no database column holds it); `path` names where."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is too large a number")
    return value


def loads(raw: str | bytes) -> Any:
    """The parsed value; ValueError (RefusedValue for a bad value) says what is wrong."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite)
    except RecursionError:
        raise RefusedValue("body", f"is nested deeper than {MAX_DEPTH} levels") from None
    _check(value)
    return value


def _check(value: Any) -> None:
    """Walk the value without recursion: its depth, its strings (keys too) and its integers."""
    stack: list[tuple[str, Any, int]] = [("", value, 1)]
    while stack:
        path, item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RefusedValue(path or "body", f"is nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{escape_unstorable(key)}" if path else escape_unstorable(key)
                _check_text(where, key, "its name holds")
                stack.append((where, child, depth + 1))
        elif isinstance(item, list):
            stack.extend((f"{path}[{n}]", child, depth + 1) for n, child in enumerate(item, start=1))
        elif isinstance(item, str):
            _check_text(path or "body", item, "holds")
        elif isinstance(item, int) and not isinstance(item, bool) and not fits_int64(item):
            raise RefusedValue(path or "body", "is a whole number too large to store (at most 64 bits)")


def _check_text(path: str, text: str, what: str) -> None:
    bad = unstorable_char(text)
    if bad:
        raise RefusedValue(path, f"{what} the character {bad}, which cannot be stored")


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading through `loads` above."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)
