"""One paging convention for every API list: `{"items": [...], "next": <cursor or null>}`.

A list never stops silently at its page size: `next` (and a `Link: <…>; rel="next"` header with
the same query) says there is more and how to ask for it; a client pages until `next` is null.
`limit` is bounded (1–200, default 50); a bad one, or a cursor this list did not give, is a 400
naming the parameter. The cursor is opaque to clients (base64url of a JSON list). Long lists
are keyed by the sort key of the page's last item (`page_in`, `fitted`), so a page stays right
while items come and go between calls; lists with a choice of order (`sort`, a leading `-`
descending) carry the offset and the order, so a cursor from another order is refused rather
than misread (`page_args`, `answer`).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import jsonify, request
from werkzeug.wrappers import Response

from .describe import Query
from .errors import ApiError
from .parse import int_arg

T = TypeVar("T")
MAX_PAGE = 200
DEFAULT_PAGE = 50
NEXT_LINK = {200: {"Link": '<url>; rel="next": the next page, when there is one'}}


def limit_arg(default: int = DEFAULT_PAGE) -> int:
    return int_arg("limit", default=default, minimum=1, maximum=MAX_PAGE)


def cursor_arg() -> list[Any] | None:
    """The key a previous page ended at, or None for the first page."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = None
    if not isinstance(key, list) or not key:
        raise bad_cursor()
    return key


def bad_cursor() -> ApiError:
    return ApiError(400, "parameter 'cursor' is not one this list gave",
                    {"cursor": "pass the 'next' value of the previous page unchanged, with the same sort"})


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def page_response(items: list[dict[str, Any]], next_key: Sequence[Any] | None) -> Response:
    """The page, with `next` and its Link header when there is more."""
    cursor = encode_cursor(next_key) if next_key is not None else None
    response = jsonify({"items": items, "next": cursor})
    if cursor is not None:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        response.headers["Link"] = f'<{request.path}?{urlencode({**args, "cursor": cursor})}>; rel="next"'
    return response


def page_in(rows: Sequence[T], key: Callable[[T], list[Any]], limit: int,
            after: list[Any] | None) -> tuple[list[T], list[Any] | None]:
    """A page of a list already read whole (a short one: processes, rule sets, one request's comments),
    by the same keyed cursor as a list read page by page."""
    ordered = sorted(rows, key=key)
    if after is not None:
        try:
            ordered = [r for r in ordered if key(r) > after]
        except TypeError:
            raise bad_cursor() from None
    return fitted(ordered[:limit + 1], key, limit)


def fitted(rows: Sequence[T], key: Callable[[T], list[Any]], limit: int) -> tuple[list[T], list[Any] | None]:
    """`rows`: up to `limit + 1` rows read; the page and the key to go on from, when the extra one came."""
    page = list(rows[:limit])
    return page, (key(page[-1]) if len(rows) > limit else None)


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int
    sort: str


def page_args(sorts: Sequence[str], default_sort: str) -> Page:
    """The request's limit, cursor and sort for a list with a choice of order."""
    sort = request.args.get("sort") or default_sort
    if sort not in sorts:
        raise ApiError(400, "parameter 'sort' is not one of this list's orders",
                       {"sort": f"got {sort!r}, expected one of {', '.join(sorts)}"})
    limit = limit_arg()
    key = cursor_arg()
    if key is None:
        return Page(limit, 0, sort)
    offset = key[0]
    if (len(key) != 2 or key[1] != sort or not isinstance(offset, int) or isinstance(offset, bool)
            or not 0 <= offset < 2**31):
        raise bad_cursor()
    return Page(limit, offset, sort)


def answer(rows: list[T], page: Page, to_json: Callable[[T], dict[str, Any]], more: bool | None = None) -> Response:
    """`rows`: up to `page.limit + 1` rows read from `page.offset`; the extra one says there is more
    (or `more` says it, for a reader that pages itself)."""
    more = len(rows) > page.limit if more is None else more
    return page_response([to_json(r) for r in rows[:page.limit]],
                         [page.offset + page.limit, page.sort] if more else None)


KEYSET_QUERY = (Query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
                      "at most this many items (capped at 200)"),
                Query("cursor", {"type": "string"}, "the `next` value of the previous answer"))


def page_query(sorts: Sequence[str], default_sort: str) -> tuple[Query, ...]:
    """The description of the paging parameters of a list with these orders."""
    return (*KEYSET_QUERY, Query("sort", {"type": "string", "enum": list(sorts), "default": default_sort},
                                 "the order; a leading - is descending"))


def page_of(model: Any) -> dict[str, Any]:
    """The schema of a list answer whose items are `model`."""
    return {"type": "object", "additionalProperties": False, "required": ["items", "next"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{model.__name__}"}},
                           "next": {"anyOf": [{"type": "string"}, {"type": "null"}],
                                    "description": "the cursor of the next page; null on the last"}}}
