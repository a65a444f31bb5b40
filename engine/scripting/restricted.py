"""What restricted code may see, how it is compiled, and what of its results counts as plain data.

Shared by the engine and the sandbox process (`sandbox_worker.py` loads this file by its path), so
it imports nothing of OpsFlow: the process then starts with RestrictedPython alone. Scripts come
from process files that designers upload: no imports, no names starting with an underscore (no
dunder escapes), builtins from a short safe list.
"""
from __future__ import annotations

import json
import operator
from collections.abc import Callable
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr

_UNSAFE_BUILTINS = {"setattr", "delattr", "id", "__build_class__", "_getattr_"}
BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in _UNSAFE_BUILTINS}
BUILTINS.update(limited_builtins)
BUILTINS.update(
    dict=dict, list=list, set=set, frozenset=frozenset, sorted=sorted, sum=sum, min=min, max=max,
    any=any, all=all, enumerate=enumerate, zip=zip, map=map, filter=filter, reversed=reversed,
)

INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.add, "-=": operator.sub, "*=": operator.mul, "/=": operator.truediv, "//=": operator.floordiv,
    "%=": operator.mod, "**=": operator.pow, "<<=": operator.lshift, ">>=": operator.rshift, "|=": operator.or_,
    "^=": operator.xor, "&=": operator.and_,
}

GUARDS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": lambda obj: obj,
    "_inplacevar_": lambda op, a, b: INPLACE[op](a, b),
}


class Refused(Exception):
    """RestrictedPython refused the source (an underscore name, exec, eval, a syntax error)."""


class NotPlainData(Exception):
    """A value that cannot be stored in an instance: only what JSON holds can."""


@lru_cache(maxsize=2048)
def compile_restricted(source: str, mode: str) -> CodeType:
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source)
    if result.errors or result.code is None:
        raise Refused("script rejected: " + "; ".join(result.errors))
    return result.code


def encode(name: str, value: Any) -> str:
    """The JSON a variable is stored as; NotPlainData names the variable and what it holds instead."""
    try:
        return json.dumps(value, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise NotPlainData(f"{name} holds {_kind(value)}, which is not plain data (JSON): {exc}") from None


def _kind(value: Any) -> str:
    kind = type(value).__name__
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"
