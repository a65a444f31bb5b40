"""One paging, filtering and sorting convention for every list of the API.

A list takes `limit` (1–200, default 50), `cursor` (from the previous answer)
and `sort` (one of the orders the list names; a leading `-` sorts
descending), plus its own filters. It answers `{"items": [...], "next": cursor
or null}`, and when there is more a `Link: <url>; rel="next"` header with the
same query and the next cursor: a client pages until `next` is null. The
cursor is opaque to clients (it holds the offset and the order it belongs to,
so a cursor from another order is refused rather than misread).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import jsonify, request, url_for
from werkzeug.wrappers import Response

from .describe import Query
from .errors import ApiError
from .parse import int_arg

T = TypeVar("T")
MAX_LIMIT = 200
NEXT_LINK = {200: {"Link": '<url>; rel="next": the next page, when there is one'}}


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int
    sort: str


def _cursor(offset: int, sort: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, sort]).encode()).decode().rstrip("=")


def page_args(sorts: Sequence[str], default_sort: str) -> Page:
    """The request's limit, cursor and sort; 400 naming the parameter when one is unreadable."""
    sort = request.args.get("sort") or default_sort
    if sort not in sorts:
        raise ApiError(400, "parameter 'sort' is not one of this list's orders",
                       {"sort": f"got {sort!r}, expected one of {', '.join(sorts)}"})
    limit = int_arg("limit", default=50, minimum=1, maximum=MAX_LIMIT)
    raw = request.args.get("cursor")
    if not raw:
        return Page(limit, 0, sort)
    try:
        offset, cursor_sort = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        valid = isinstance(offset, int) and not isinstance(offset, bool) and 0 <= offset < 2**31
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        valid = False
    if not valid or cursor_sort != sort:
        raise ApiError(400, "parameter 'cursor' is not a cursor of this list",
                       {"cursor": "use the 'next' value of the previous answer, with the same sort"})
    return Page(limit, offset, sort)


def answer(rows: list[T], page: Page, to_json: Callable[[T], dict[str, Any]], more: bool | None = None) -> Response:
    """`rows`: up to `page.limit + 1` rows read from `page.offset`; the extra one says there is more
    (or `more` says it, for a reader that pages itself)."""
    more = len(rows) > page.limit if more is None else more
    items = [to_json(r) for r in rows[:page.limit]]
    following = _cursor(page.offset + page.limit, page.sort) if more else None
    response = jsonify({"items": items, "next": following})
    if following is not None:
        args = {**request.args.to_dict(), "cursor": following}
        url = url_for(request.endpoint or "", **(request.view_args or {}), **args)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return response


def page_query(sorts: Sequence[str], default_sort: str) -> tuple[Query, ...]:
    """The description of the paging parameters of a list with these orders."""
    return (Query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50},
                  "at most this many items (capped at 200)"),
            Query("cursor", {"type": "string"}, "the `next` value of the previous answer"),
            Query("sort", {"type": "string", "enum": list(sorts), "default": default_sort},
                  "the order; a leading - is descending"))


def page_of(model: Any) -> dict[str, Any]:
    """The schema of a list answer whose items are `model`."""
    return {"type": "object", "additionalProperties": False, "required": ["items", "next"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{model.__name__}"}},
                           "next": {"anyOf": [{"type": "string"}, {"type": "null"}],
                                    "description": "the cursor of the next page; null on the last"}}}
