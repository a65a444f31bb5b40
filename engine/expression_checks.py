"""Can our Python script engine evaluate this text? Asked of every condition and timer at deploy.

SpiffWorkflow evaluates conditions, loop expressions and timer values as Python. Models from
other tools carry JUEL (`${approved}`), FEEL (`= approved`), cron timers or bare ISO 8601
values (`PT5M`, `R6/P1D`); those fail only when an instance reaches them, or worse, evaluate to
something else (`R6/P1D` is a valid division). Each check returns readable messages, empty if
the text is fine; `validation` attaches them to the element (and checks constant timer values
with SpiffWorkflow's own ISO 8601 parser).
"""
from __future__ import annotations

import ast
import re

from .scripting import check_source

TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
_UNQUOTED_ISO = re.compile(r"R\d*/.+|P(?=\w)(\d+[YMWD])*(T(\d+([.,]\d+)?[HMS])+)?|\d{4}-\d{2}-\d{2}(T.*)?",
                           re.IGNORECASE)
_CRON = re.compile(r"^[\d*?/,\-LW#]+( +[\d*?/,\-LW#A-Z]+){4,6}$", re.IGNORECASE)


def _foreign(text: str) -> str | None:
    if text.startswith(("${", "#{")):
        return f"JUEL expression {text!r} is not supported; write it in Python"
    if text.startswith("="):
        return f"FEEL expression {text!r} is not supported; write it in Python"
    return None


def expression_errors(text: str) -> list[str]:
    """Problems with a condition or loop expression (empty text means none given: fine)."""
    text = text.strip()
    if not text:
        return []
    foreign = _foreign(text)
    if foreign:
        return [foreign]
    return [f"{text!r}: {err}" for err in check_source(text, "eval")]


def timer_errors(kind: str, text: str) -> list[str]:
    """Timer values are Python expressions in SpiffWorkflow: `"PT5M"` works, `PT5M` does not."""
    text = text.strip()
    if not text:
        return [f"timer has an empty {kind}"]
    foreign = _foreign(text)
    if foreign:
        return [f"timer {kind}: {foreign}"]
    if _UNQUOTED_ISO.fullmatch(text):
        return [f"timer {kind} {text!r} is an unquoted ISO 8601 value; timer values are Python expressions, "
                f"write it as a string: \"{text}\""]
    errors = check_source(text, "eval")
    if errors and _CRON.match(text):
        return [f"timer {kind} {text!r} is a cron expression; cron timers are not supported, use an ISO 8601 "
                "value in quotes"]
    if errors:
        return [f"timer {kind} {text!r} is not a Python expression: {errors[0]}"]
    return []


def string_literal(text: str) -> str | None:
    """The string a timer expression is, when it is a constant (`"PT5M"`); None when computed from data."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def script_errors(text: str) -> list[str]:
    """What the restricted compiler refuses in a script (imports, dunder names, syntax)."""
    return check_source(text)
