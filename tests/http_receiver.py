"""Another system, as a real HTTP server on a free local port, that counts what it is sent.

The outbox, webhook and `http.request` tests send to it. It acts once per `Idempotency-Key` (as a
payment system should) and keeps every request it got, so a test can say both "one payment" and
"two attempts". A test makes it misbehave: `fail_next` answers that many requests with 503,
`hold` keeps the next request waiting (after counting it) until `release`, as a receiver that
took the call while the sender died would.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Headers(dict):
    """Header names as sent, looked up case-insensitively (as HTTP means them)."""

    def __getitem__(self, name: str) -> str:
        for key, value in self.items():
            if key.lower() == name.lower():
                return value
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Receiver:
    requests: list[Received] = field(default_factory=list)
    acted: dict[str, int] = field(default_factory=dict)  # idempotency key -> the id it answered with
    fail_next: int = 0
    answer: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    held: threading.Event = field(default_factory=threading.Event)
    holding: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def hold(self) -> None:
        self.holding, self.held = True, threading.Event()

    def release(self) -> None:
        self.holding = False
        self.held.set()

    def handle(self, request: Received) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(request)
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, {"error": "try later"}
            key = request.headers.get("Idempotency-Key") or f"none-{len(self.requests)}"
            first = key not in self.acted
            self.acted.setdefault(key, len(self.acted) + 1)
            hold = self.holding
        if hold:
            self.held.wait(30)
        return (201 if first else 200), {**self.answer, "id": self.acted[key]}


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    """Start serving `receiver` on 127.0.0.1; its `url` says where. Call `shutdown()` when done."""

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            got = Received(self.command, self.path, Headers(self.headers.items()), self.rfile.read(length))
            status, body = receiver.handle(got)
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the sender is gone (killed mid-call)
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
