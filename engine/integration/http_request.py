"""The `http.request` service operation: a call to a named connection, configured in the BPMN.

    <spiffworkflow:serviceTaskOperator id="http.request" resultVariable="payment">
      connection="'bank'"  path="'/payments'"  method="'POST'"
      body="{'amount': amount, 'order': po_number}"       (an expression over the instance data)
      response="{'payment_id': 'id', 'state': 'result.state'}"   (variable -> path in the JSON answer)
      response_map="{'payment_id': '$.id'}"      (top-level instance variables -> path in the JSON answer)

A `GET` or `HEAD` has no side effects: it is answered in the step (a failure fails the step, which
the job system retries). Any other method changes something over there, so it goes through the
outbox: recorded with the step, sent once after the commit with the step's idempotency key, and the
step waits until the answer comes; the answer's mapped values then resume the instance through
the same step path (`payment == {"status": 201, "payment_id": ..., "state": ...}`). `response` maps
into the result variable; `response_map` maps into variables of the instance itself, so a later
gateway or form reads `payment_id` directly. A path is dotted (`result.state`, `items.0.id`) or
written as JSONPath's simple form (`$.result.state`, `$.items[0].id`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..errors import InvalidData
from ..services import VARIABLE_NAME, VARIABLES, ServiceCall, ServiceRegistry, Waiting
from . import connections, outbox
from .models import OutboxMessage
from .outbox import Sent

OPERATION = "http.request"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
SAFE = ("GET", "HEAD")


@dataclass(frozen=True)
class HttpRequest:
    """`connection`: its name on Admin → Connections; `response`: {variable: dotted path in the JSON answer}."""

    connection: str
    path: str = ""
    method: str = "GET"
    body: Any = None
    response: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    response_map: dict[str, str] | None = None  # {top-level instance variable: path in the JSON answer}


def _check(req: HttpRequest) -> str:
    method = str(req.method or "").upper()
    errors: dict[str, str] = {}
    if method not in METHODS:
        errors["method"] = f"one of {', '.join(METHODS)}"
    if req.response is not None and not (isinstance(req.response, dict)
                                         and all(isinstance(v, str) for v in req.response.values())):
        errors["response"] = "a mapping of variable names to paths in the answer, e.g. {'payment_id': 'id'}"
    if req.response_map is not None and not (
            isinstance(req.response_map, dict) and all(isinstance(v, str) for v in req.response_map.values())
            and all(isinstance(k, str) and VARIABLE_NAME.match(k) and not k.startswith("spiff")
                    for k in req.response_map)):
        errors["response_map"] = ("a mapping of instance variable names to paths in the answer, "
                                  "e.g. {'payment_id': '$.id'}")
    if req.headers is not None and not isinstance(req.headers, dict):
        errors["headers"] = "a mapping of header names to values"
    if errors:
        raise InvalidData(errors)
    return method


def _parts(path: str) -> list[str]:
    """`$.items[0].id` and `items.0.id` alike: the keys and indexes to walk."""
    path = path.strip()
    if path.startswith("$"):
        path = path[1:]
    return [p for p in re.sub(r"\[(\d+)\]", r".\1", path).split(".") if p]


def _pick(document: Any, path: str) -> Any:
    for part in _parts(path):
        if isinstance(document, dict):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document


def mapped(sent: Sent, response: dict[str, str] | None, *,
           variables: dict[str, str] | None = None) -> dict[str, Any]:
    """The answer as the step keeps it: its status, and each mapped value (None where the path finds nothing);
    `variables` (the `response_map`) go to the instance's top-level variables (`services.apply_result`)."""
    try:
        document = json.loads(sent.body) if sent.body else None
    except ValueError:
        document = None
    out = {"status": sent.status, **{name: _pick(document, path) for name, path in (response or {}).items()}}
    if variables:
        out[VARIABLES] = {name: _pick(document, path) for name, path in variables.items()}
    return out


def request(call: ServiceCall, req: HttpRequest) -> dict[str, Any] | Waiting:
    method = _check(req)
    conn = connections.get(call.session, req.connection)
    url = connections.address(conn, req.path)
    headers = {"Accept": "application/json", **{str(k): str(v) for k, v in (req.headers or {}).items()},
               **connections.auth_headers(conn)}
    if method in SAFE:
        return mapped(outbox.transport[0](method, url, headers, None), req.response, variables=req.response_map)
    body = None if req.body is None else req.body if isinstance(req.body, str) else json.dumps(req.body, default=str)
    outbox.record(call.session, key=outbox.call_key(call), method=method, url=url, body=body, headers=headers,
                  now=call.now, instance_id=call.instance_id,
                  reply={"task_id": call.task_id, "response": req.response or {},
                         "variables": req.response_map or {}})
    return Waiting(f"{method} {conn.name}")


def answer(engine: Any, session: Session, message: OutboxMessage, sent: Sent, now: datetime) -> None:
    """The outbox's after-sent hook: the step that waits for this call gets its mapped answer."""
    if not message.reply or message.instance_id is None:
        return
    engine._resume_in(session, message.instance_id, message.reply["task_id"],
                      mapped(sent, message.reply.get("response"), variables=message.reply.get("variables")))


def register(registry: ServiceRegistry) -> ServiceRegistry:
    """Offer `http.request` to the flows (and the designer's operation picker)."""
    if OPERATION not in registry:
        registry.register(OPERATION, request, HttpRequest, builtin=True)
    return registry
