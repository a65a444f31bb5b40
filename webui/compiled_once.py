"""The Flask app class: what every app compiles the same way is compiled once per process.

Building an app compiled, for each of its ~240 routes, two small Python
functions that build its URLs (werkzeug does it when a rule joins the map),
and each template anew on first use in that app: a quarter of a second and
more per app before it served anything. A server builds one app and never
notices; a process that builds many (the test suite builds one per test, a
benchmark one per run) paid it every time for identical code. A URL builder
depends only on the rule's parsed parts and the names of its defaults, and a
template's code only on its source and the environment's syntax, so apps of
one process share them: nothing an app holds (its database, its config, its
extensions) is shared.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from types import CodeType
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from werkzeug.routing import Rule

_BUILDERS: dict[Hashable, Callable[..., tuple[str, str]]] = {}


class SharedBuilderRule(Rule):
    """A URL rule whose builder functions are compiled once per distinct rule in the process.

    Werkzeug's builder takes the rule as its first argument and reads its
    converters at call time; only defaults that stand in the path are baked in
    as constants, so such a rule is compiled as werkzeug does, unshared.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        defaults = self.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return super()._compile_builder(append_unknown)
        key = (tuple(self._trace), tuple(str(name) for name in defaults), append_unknown)
        builder = _BUILDERS.get(key)
        if builder is None:
            builder = _BUILDERS.setdefault(key, super()._compile_builder(append_unknown))
        return builder


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every app of the process.

    Jinja checks each entry against the template's current source (its
    checksum), so an edited template is compiled again; entries are also kept
    apart by the environment settings that change what the compiler emits.
    """

    def __init__(self) -> None:
        self._code: dict[Hashable, tuple[str, CodeType]] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self._code.get(self._key(bucket))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            with self._lock:
                self._code[self._key(bucket)] = (bucket.checksum, bucket.code)

    @staticmethod
    def _key(bucket: Bucket) -> Hashable:
        return (_compiler_settings(bucket.environment), bucket.key)


def _compiler_settings(env: Environment) -> Hashable:
    """What, besides the source, decides the code Jinja compiles a template to."""
    return (tuple(sorted(env.extensions)), env.block_start_string, env.block_end_string,
            env.variable_start_string, env.variable_end_string, env.comment_start_string,
            env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
            env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
            env.finalize is not None, getattr(env, "newstyle_gettext", None), _autoescape_of(env))


def _autoescape_of(env: Environment) -> Any:
    autoescape = env.autoescape
    return getattr(autoescape, "__func__", autoescape)  # Flask's is a bound method of each app


TEMPLATE_CODE = SharedTemplateCode()


class OpsFlowApp(Flask):
    url_rule_class = SharedBuilderRule
    jinja_options = {"bytecode_cache": TEMPLATE_CODE}
