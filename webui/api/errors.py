"""Every API failure is JSON `{"error": ..., "detail": ...}` with the status that says what went wrong.

Engine errors carry their own status (NotFound 404, Forbidden 403,
Conflict 409, InvalidData 422 with a field -> message detail), so the
views never translate them one by one.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from engine import DefinitionError, OpsFlowError

from .serialize import problem_json


class ApiError(Exception):
    """A request the API cannot act on: malformed body, missing field, bad parameter, no token."""

    def __init__(self, status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers or {}


def error_response(status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"error": error, "detail": detail})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.error, exc.detail, exc.headers)


def _engine_error(exc: OpsFlowError) -> Response:
    if exc.status >= 500:  # a bug or an outage, not the caller's fault: log it, say little
        current_app.logger.error("API request failed: %s", exc, exc_info=exc)
        return error_response(500, "internal error")
    detail = [problem_json(p) for p in exc.problems] if isinstance(exc, DefinitionError) else exc.detail
    return error_response(exc.status, exc.message, detail)


def _http_error(exc: HTTPException) -> Response:
    return error_response(exc.code or 500, (exc.name or "error").lower(), exc.description)


def register(bp: Blueprint) -> None:
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(OpsFlowError, _engine_error)
    bp.register_error_handler(HTTPException, _http_error)
    # A routing error (405) never reaches a blueprint's own handlers: the app's error pages (webui.error_pages)
    # answer it under /api/ with this same JSON.
