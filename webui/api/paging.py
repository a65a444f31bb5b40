"""One paging convention for every API list: `{"items": [...], "next": <cursor or null>}`.

A list never stops silently at its page size: `next` (and a `Link: <…>; rel="next"` header)
says there is more and how to ask for it. The cursor is the sort key of the page's last
item, opaque to the client (base64url of JSON), so a page stays right while items come
and go between calls. `limit` is bounded: above `MAX_PAGE` it is capped (the answer still
says there is more), below 1 or not a number it is a 400 naming it; so is a cursor this
API did not give.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import jsonify, request
from werkzeug.wrappers import Response

from .errors import ApiError
from .parse import int_arg

T = TypeVar("T")
MAX_PAGE = 200
DEFAULT_PAGE = 50


def limit_arg(default: int = DEFAULT_PAGE) -> int:
    return int_arg("limit", default=default, minimum=1, maximum=MAX_PAGE)


def cursor_arg() -> list[Any] | None:
    """The sort key a previous page ended at, or None for the first page."""
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
                    {"cursor": "pass the 'next' value of the previous page unchanged"})


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


def page_of(rows: Sequence[T], key: Callable[[T], list[Any]], limit: int,
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
