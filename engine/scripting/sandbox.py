"""Scripts that are not cheap by construction run here: in small worker processes, under hard limits.

In-process tracing cannot interrupt one C call (`sum(range(10**12))`, `'x' * 10**10`), and a step
runs inside the database's write transaction, so a runaway script would hold the write lock for as
long as it ran: the bound must be enforced from outside the script. A worker (`sandbox_worker.py`)
runs one script at a time; the data the script reads goes to it as JSON and what it leaves comes
back as JSON. The caller waits at most `ScriptLimits.seconds`, then kills the worker (SIGKILL) and
another is started; the worker caps its own memory (RLIMIT_AS) and CPU time (RLIMIT_CPU).
Starting a worker takes about 35 ms and a round trip about 80 µs, so a few are kept ready and
reused rather than forked per call. `OPSFLOW_SANDBOX_PYTHON` names another interpreter to run them
(it needs RestrictedPython), for servers whose `sys.executable` is not a plain Python.
"""
from __future__ import annotations

import builtins
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import ScriptError
from . import restricted
from .limits import ScriptLimits, seconds, size

_WORKER = Path(__file__).with_name("sandbox_worker.py")
_HEAD = struct.Struct(">I")
_START_SECONDS = 10.0
_SPARE = 2
_EXCEPTIONS = {name: cls for name, cls in vars(builtins).items()
               if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, OSError)}


class _Timeout(Exception):
    pass


class _Ended(Exception):
    pass


class _Worker:
    """One sandbox process and the pipes to it."""

    def __init__(self) -> None:
        python = os.environ.get("OPSFLOW_SANDBOX_PYTHON") or sys.executable
        try:
            self.proc = subprocess.Popen([python, "-I", str(_WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, cwd="/", env={}, close_fds=True, bufsize=0)
        except OSError as exc:
            raise ScriptError(f"the script sandbox could not start ({python}): {exc}") from None
        self._poll = select.poll()
        self._poll.register(self.proc.stdout.fileno(), select.POLLIN)  # type: ignore[union-attr]
        try:
            ready = self._receive(time.monotonic() + _START_SECONDS, 64)
        except (_Timeout, _Ended):
            self.kill()
            raise ScriptError(f"the script sandbox could not start ({python} {_WORKER})") from None
        if ready != b'{"ready":true}':
            self.kill()
            raise ScriptError(f"the script sandbox did not start as expected: {ready[:200]!r}")

    def ask(self, message: bytes, deadline: float, most: int) -> bytes:
        data = memoryview(_HEAD.pack(len(message)) + message)
        fd = self.proc.stdin.fileno()  # type: ignore[union-attr]
        try:
            while data:
                data = data[os.write(fd, data):]
        except BrokenPipeError:
            raise _Ended from None
        return self._receive(deadline, most)

    def _receive(self, deadline: float, most: int) -> bytes:
        length = _HEAD.unpack(self._read(_HEAD.size, deadline))[0]
        if length > most:
            raise _Ended
        return self._read(length, deadline)

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        chunks: list[bytes] = []
        while n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._poll.poll(max(1, int(remaining * 1000))):
                raise _Timeout
            chunk = os.read(fd, n)
            if not chunk:
                raise _Ended
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> int:
        """End the process at once; its exit code (negative: the signal that ended it)."""
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        return code


class Sandbox:
    """A few sandbox processes kept ready; one serves one script at a time, any thread may ask."""

    def __init__(self, spare: int = _SPARE) -> None:
        self.pid = os.getpid()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._spare = spare

    def _take(self) -> _Worker:
        while True:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                return _Worker()
            if worker.proc.poll() is None:
                return worker
            worker.kill()  # it ended while idle (killed from outside): reap it and take another

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if len(self._idle) < self._spare:
                self._idle.append(worker)
                return
        worker.kill()

    def _start_spare(self) -> None:
        """In the background: the next script should not wait for a process to start."""
        def start() -> None:
            try:
                self._give_back(_Worker())
            except ScriptError:
                pass  # the next script starts its own and reports the cause
        threading.Thread(target=start, name="sandbox-start", daemon=True).start()

    def run(self, message: bytes, limits: ScriptLimits) -> dict[str, Any]:
        worker = self._take()
        deadline = time.monotonic() + limits.seconds
        try:
            reply = worker.ask(message, deadline, 2 * limits.data + 65536)
        except _Timeout:
            worker.kill()
            self._start_spare()
            raise ScriptError(f"it ran longer than the time limit of {seconds(limits.seconds)} and was stopped") \
                from None
        except _Ended:
            code = worker.kill()
            self._start_spare()
            raise ScriptError(_ended(code, limits)) from None
        answer: dict[str, Any] = json.loads(reply)
        if answer.get("error") == "memory":
            worker.kill()
            self._start_spare()
        else:
            self._give_back(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


def _ended(code: int, limits: ScriptLimits) -> str:
    if code == -signal.SIGXCPU:
        return f"it used more than its CPU time ({seconds(limits.seconds)}) and was stopped"
    return f"the sandbox process running it ended unexpectedly (exit status {code})"


_pool: Sandbox | None = None
_pool_lock = threading.Lock()


def pool() -> Sandbox:
    global _pool
    with _pool_lock:
        if _pool is None or _pool.pid != os.getpid():
            _pool = Sandbox()
        return _pool


def _forget_after_fork() -> None:
    """A forked child does not own its parent's workers (nor a lock another thread may have held)."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


def _request(mode: str, source: str, data: dict[str, Any], external: dict[str, Any],
             limits: ScriptLimits) -> bytes:
    request = {"mode": mode, "source": source, "data": data, "external": external, "memory": limits.memory,
               "seconds": limits.seconds, "limit": limits.data}
    try:
        return json.dumps(request, separators=(",", ":")).encode()
    except (TypeError, ValueError, RecursionError):
        for name, value in {**external, **data}.items():
            try:
                restricted.encode(f"variable {name!r}", value)
            except restricted.NotPlainData as exc:
                raise ScriptError(f"{exc}; a script that runs in the sandbox reads plain data only") from None
        raise


def _failure(answer: dict[str, Any], limits: ScriptLimits) -> Exception:
    kind = answer["error"]
    if kind == "memory":
        return ScriptError(f"it needed more than the memory limit of {size(limits.memory)} and was stopped")
    if kind == "data":
        return ScriptError(f"{answer['message']} would be {size(answer['size'])} of JSON, above the limit of "
                           f"{size(limits.data)}")
    if kind != "raised":
        return ScriptError(answer["message"])
    if answer["type"] == "RecursionError":
        return ScriptError(f"it recursed deeper than the limit of Python's stack ({answer['message']})")
    cls = _EXCEPTIONS.get(answer["type"])
    try:
        exc: Exception = cls(*answer["args"]) if cls else ScriptError(f"{answer['type']}: {answer['message']}")
    except Exception:
        exc = ScriptError(f"{answer['type']}: {answer['message']}")
    exc.script_line = answer.get("line")  # type: ignore[attr-defined]
    return exc


def evaluate(source: str, data: dict[str, Any], external: dict[str, Any], limits: ScriptLimits) -> Any:
    answer = pool().run(_request("eval", source, data, external, limits), limits)
    if "error" in answer:
        raise _failure(answer, limits)
    return answer["value"]


def execute(source: str, data: dict[str, Any], external: dict[str, Any],
            limits: ScriptLimits) -> tuple[dict[str, Any], list[str]]:
    """What the script changed (name -> new value) and the names it deleted."""
    answer = pool().run(_request("exec", source, data, external, limits), limits)
    if "error" in answer:
        raise _failure(answer, limits)
    return answer["changed"], answer["deleted"]
