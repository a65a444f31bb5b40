"""Code that is cheap by construction runs in the engine's own process; any other goes to the sandbox.

Conditions such as `amount > 5000` or `decision == "approve"` are evaluated many times per
lifecycle: a round trip to a sandbox process costs about 80 µs, the same code in process a few.
Code is cheap when it has no loops, comprehensions, lambdas, function definitions or try blocks,
calls only a short list of functions and methods that cost no more than the data they read, and
rebinds plain names only (so it never changes the instance's data in place). The operators that
can make a value far bigger than their operands (`+`, `*`, `**`, `<<`, `%` on text) go through
guards that refuse, before computing it, a result above the size limit. Such code finishes in a
time proportional to its length and to the data it reads, so it needs no timer.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from ..errors import ScriptError
from . import restricted
from .limits import MAX_INT_BITS, size

# function -> (most positional arguments, keywords allowed); all cost at most a pass over their input
_CALLS: dict[str, tuple[int, frozenset[str]]] = {
    "len": (1, frozenset()), "abs": (1, frozenset()), "bool": (1, frozenset()), "str": (1, frozenset()),
    "float": (1, frozenset()), "int": (2, frozenset()), "round": (2, frozenset()), "sum": (1, frozenset()),
    "min": (20, frozenset({"default"})), "max": (20, frozenset({"default"})), "any": (1, frozenset()),
    "all": (1, frozenset()), "sorted": (1, frozenset({"reverse"})),
}
# method -> most positional arguments: none of them makes a value bigger than a few times its input
_METHODS = {"get": 2, "keys": 0, "values": 0, "items": 0, "strip": 1, "lstrip": 1, "rstrip": 1, "lower": 0,
            "upper": 0, "startswith": 1, "endswith": 1, "count": 1}
_NODES = (ast.Module, ast.Expression, ast.Assign, ast.AugAssign, ast.Delete, ast.Expr, ast.If, ast.Pass, ast.Name,
          ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice,
          ast.List, ast.Tuple, ast.Dict, ast.JoinedStr, ast.FormattedValue, ast.Call, ast.Attribute, ast.keyword,
          ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_CONSTANTS = (str, int, float, bool, type(None))
_GUARDED = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_", ast.Mod: "_mod_"}
_SEQUENCES = (str, list, tuple)
_FORMAT_WIDTHS = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _call_ok(node: ast.Call) -> bool:
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return False
    if isinstance(node.func, ast.Name) and node.func.id in _CALLS:
        most, keywords = _CALLS[node.func.id]
        return len(node.args) <= most and all(k.arg in keywords for k in node.keywords)
    if isinstance(node.func, ast.Attribute) and node.func.attr in _METHODS:
        return len(node.args) <= _METHODS[node.func.attr] and not node.keywords
    return False


def _node_ok(node: ast.AST, callees: set[int]) -> bool:
    if not isinstance(node, _NODES) or isinstance(node, ast.MatMult):
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, _CONSTANTS)
    if isinstance(node, ast.Call):
        return _call_ok(node)
    if isinstance(node, ast.Attribute):
        return id(node) in callees
    if isinstance(node, ast.Subscript):  # reading an item; writing one would change the data in place
        return isinstance(node.ctx, ast.Load)
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name)
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is None  # f"{x:>1000000000}" would pad to any width
    if isinstance(node, ast.Dict):
        return None not in node.keys
    return True


def is_cheap(tree: ast.AST) -> bool:
    nodes = list(ast.walk(tree))
    callees = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    return all(_node_ok(n, callees) for n in nodes)


class _Operators:
    """The guarded `+ * ** << %`: each refuses a result above the limit before computing it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def _refuse(self, op: str, amount: int, unit: str, limit: int) -> ScriptError:
        return ScriptError(f"'{op}' would make a value of {amount:,} {unit}, above the limit of {limit:,} {unit} "
                           "for one value")

    def _sequence(self, op: str, length: int, value: Any) -> None:
        if length > self.limit:
            unit = "characters" if isinstance(value, str) else "items"
            raise self._refuse(op, length, unit, self.limit)

    def _bits(self, op: str, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise self._refuse(op, bits, "bits", MAX_INT_BITS)

    def add(self, a: Any, b: Any) -> Any:
        if isinstance(a, _SEQUENCES) and type(a) is type(b):
            self._sequence("+", len(a) + len(b), a)
        return a + b

    def mul(self, a: Any, b: Any) -> Any:
        if isinstance(a, _SEQUENCES) and isinstance(b, int):
            self._sequence("*", len(a) * b, a)
        elif isinstance(b, _SEQUENCES) and isinstance(a, int):
            self._sequence("*", len(b) * a, b)
        elif isinstance(a, int) and isinstance(b, int):
            self._bits("*", a.bit_length() + b.bit_length())
        return a * b

    def pow(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            self._bits("**", a.bit_length() * b)
        return a ** b

    def lshift(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int) and a and b > 0:
            self._bits("<<", a.bit_length() + b)
        return a << b

    def mod(self, a: Any, b: Any) -> Any:
        if not isinstance(a, str):
            return a % b
        widths = [w for match in _FORMAT_WIDTHS.finditer(a) for w in match.groups() if w]
        if "*" in widths:
            raise ScriptError("'%' formatting with a '*' width is not allowed here")
        self._sequence("%", sum(int(w) for w in widths), a)
        result = a % b
        self._sequence("%", len(result), result)
        return result

    def inplace(self, op: str, a: Any, b: Any) -> Any:
        guarded = {"+=": self.add, "*=": self.mul, "**=": self.pow, "<<=": self.lshift, "%=": self.mod}.get(op)
        return guarded(a, b) if guarded else restricted.INPLACE[op](a, b)

    def round(self, number: Any, ndigits: Any = None) -> Any:
        if isinstance(ndigits, int) and ndigits < -1000:  # rounding an int to -n digits computes 10 ** n
            raise ScriptError(f"round() to {ndigits:,} digits is not allowed here")
        return round(number) if ndigits is None else round(number, ndigits)


class _GuardedOperators(RestrictingNodeTransformer):
    """RestrictedPython's checks, and the growing operators replaced by calls to their guards."""

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _GUARDED.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        copy_locations(call, node)
        copy_locations(call.func, node)
        return call


@lru_cache(maxsize=64)
def _scope(limit: int) -> dict[str, Any]:
    ops = _Operators(limit)
    return {**restricted.GUARDS, "__builtins__": {**restricted.BUILTINS, "round": ops.round},
            "_inplacevar_": ops.inplace, "_add_": ops.add, "_mul_": ops.mul, "_pow_": ops.pow,
            "_lshift_": ops.lshift, "_mod_": ops.mod}


@dataclass(frozen=True)
class CheapCode:
    """Compiled cheap code and the names it rebinds, run against the task's data in this process."""

    code: CodeType
    assigned: tuple[str, ...]
    deleted: tuple[str, ...]
    limit: int

    def evaluate(self, context: dict[str, Any], external: dict[str, Any] | None) -> Any:
        return eval(self.code, {**(external or {}), **context, **_scope(self.limit)})  # noqa: S307 - restricted

    def execute(self, context: dict[str, Any], external: dict[str, Any] | None) -> None:
        """Run; then, if what the script leaves is plain data within the limit, write it into `context`."""
        external = external or {}
        scope = {**external, **context, **_scope(self.limit)}
        exec(self.code, scope)  # noqa: S102 - compiled by RestrictedPython from cheap code only
        changed = {name: scope[name] for name in self.assigned
                   if name in scope and name not in external and scope[name] is not context.get(name, _UNSET)
                   and not callable(scope[name])}
        left = sum(_json_size(name, value, self.limit) for name, value in changed.items())
        if left > self.limit:
            raise ScriptError(f"the data the script leaves ({', '.join(sorted(changed))}) would be {size(left)} of "
                              f"JSON, above the limit of {size(self.limit)}")
        for name in self.deleted:
            if name not in scope:
                context.pop(name, None)
        context.update(changed)


_UNSET = object()


def _json_size(name: str, value: Any, limit: int) -> int:
    """About what the value takes as JSON: exact when that could matter, short values guessed."""
    if value is None or isinstance(value, (bool, float)) or (isinstance(value, int) and value.bit_length() < 64):
        return 24
    if isinstance(value, str) and len(value) * 6 < limit:
        return len(value) + 2
    try:
        return len(restricted.encode(f"variable {name!r}", value))
    except restricted.NotPlainData as exc:
        raise ScriptError(str(exc)) from None


@lru_cache(maxsize=4096)
def compile_cheap(source: str, mode: str, limit: int) -> CheapCode | None:
    """The source compiled to run in process, or None when it must go to the sandbox."""
    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    if not is_cheap(tree):
        return None
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
    assigned = tuple(dict.fromkeys(n.id for n in names if isinstance(n.ctx, ast.Store)))
    deleted = tuple(dict.fromkeys(n.id for n in names if isinstance(n.ctx, ast.Del)))
    compiler: Callable[..., Any] = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(tree, policy=_GuardedOperators)
    if result.errors or result.code is None:
        return None
    return CheapCode(result.code, assigned, deleted, limit)

