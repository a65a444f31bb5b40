"""One gate for what every request brings: nothing reaches a view that the database cannot store.

Three parts, installed by `install(app)` before the blueprints register:

- the `int` URL converter only matches what an id column holds (32 bits on
  PostgreSQL), so `/instances/<id>` with an id past 2**31 is a 404 like any
  other missing instance, never an overflow; the request's `args` and `form` read
  such a value with `get(..., type=int)` as unreadable (the default);
- the app's JSON provider parses with a depth bound and refuses NaN and
  Infinity (see bounded_json);
- a `before_request` refuses, with 400 naming the field, a NUL or a lone
  surrogate in the query string, the form fields, the names of uploaded
  files and the path's own parts, and a JSON body nested too deep or holding
  such text or an integer past 64 bits (malformed JSON is left to the view,
  which names the error's position).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, Request, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from engine import ID_MAX, INT64_MIN, escape_unstorable, fits_int64, unstorable_char

from .bounded_json import BoundedJSONProvider, RefusedValue, loads

_UNREAD = object()


class Int64Converter(IntegerConverter):
    """`<int:...>` as Werkzeug has it, bounded to what an id column holds (URL integers are ids)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - Werkzeug's names
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=INT64_MIN if min is None else min,
                         max=ID_MAX if max is None else max, signed=signed)


def int64(raw: str) -> int:
    """`int`, refusing (ValueError, so `MultiDict.get` gives the default) what does not fit in 64 bits."""
    value = int(raw)
    if not fits_int64(value):
        raise ValueError(f"{raw} does not fit in 64 bits")
    return value


class BoundedArgs(ImmutableMultiDict[str, str]):
    """Query and form values where `get(name, default, type=int)` reads past 64 bits as unreadable,
    so every view's `request.args.get(..., type=int)` is bounded without a word of its own."""

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # noqa: A002 - Werkzeug's names
        return super().get(key, default, int64 if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedArgs
    checked_json: Any = _UNREAD  # the JSON body as `refuse_unstorable_input` parsed and checked it

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The body the guard already parsed, rather than parsing it a second time for the view."""
        if self.checked_json is not _UNREAD and (force or self.is_json):
            return self.checked_json
        return super().get_json(force=force, silent=silent, cache=cache)


def install(app: Flask) -> None:
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = Int64Converter
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_unstorable_input)


def _texts() -> Iterator[tuple[str, str]]:
    """(field, text) for every piece of text the request carries outside its body's JSON."""
    if request.mimetype != "multipart/form-data":
        request.get_data(cache=True)  # reading the form would use up the body a view may parse itself
    yield from _pairs(request.args.items(multi=True))
    yield from _pairs(request.form.items(multi=True))
    for name, upload in request.files.items(multi=True):
        yield name or "", name or ""
        yield name or "", upload.filename or ""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield name, value


def _pairs(items: Iterable[tuple[str | None, str]]) -> Iterator[tuple[str, str]]:
    for name, value in items:
        name = name or ""  # a multipart part without a name comes as None
        yield name, name
        yield name, value


def _unstorable() -> tuple[str, str, str | None] | None:
    """The first field holding what cannot be stored: its name, why (in English), and the character."""
    for field, text in _texts():
        bad = unstorable_char(text)
        if bad:
            return escape_unstorable(field), f"holds the character {bad}, which cannot be stored", bad
    if request.is_json and request.get_data(cache=True).strip():
        try:
            request.checked_json = loads(request.get_data(cache=True))
        except RefusedValue as exc:
            return exc.path, exc.reason, None
        except ValueError:
            return None  # malformed JSON is the view's to report, with the error's position
    return None


def refuse_unstorable_input() -> Response | tuple[Any, int] | None:
    found = _unstorable()
    if found is None:
        return None
    field, reason, char = found
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": "a value in the request is refused", "detail": {field: reason}}), 400
    detail = (_("The field %(field)s holds a character that cannot be stored (%(char)s).", field=field, char=char)
              if char else f"{field}: {reason}")
    return render_template("error.html", code=400, message=_("Bad request"), detail=detail), 400
