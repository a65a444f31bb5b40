"""The sandbox process: runs one script at a time under hard limits and answers with plain data.

`sandbox.py` starts it as `python -I sandbox_worker.py` and speaks to it over stdin and stdout, each
message 4 bytes of length and that many bytes of JSON. It imports nothing of OpsFlow but
`restricted.py` (loaded by its path), so it starts in a few tens of milliseconds and holds about
15 MB. Before each script it caps its own address space (RLIMIT_AS: an allocation beyond it fails
with MemoryError) and CPU time (RLIMIT_CPU: beyond it the kernel ends the process, should the
engine that started it be gone); the engine's wall-clock deadline, which kills it, always holds.
"""
from __future__ import annotations

import importlib.util
import json
import resource
import struct
import sys
import traceback
from pathlib import Path
from typing import IO, Any

_HEAD = struct.Struct(">I")
_MESSAGE_CHARS = 2000


def _load_restricted() -> Any:
    spec = importlib.util.spec_from_file_location("opsflow_restricted", Path(__file__).with_name("restricted.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


R = _load_restricted()


def _set_limits(memory: int, seconds: float) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + seconds) + 2
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if hard == resource.RLIM_INFINITY else min(cpu, hard), hard))


def _error(kind: str, message: str, **more: Any) -> bytes:
    return json.dumps({"error": kind, "message": message[:_MESSAGE_CHARS], **more}).encode()


def _raised(exc: BaseException) -> bytes:
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<string>"]
    args = list(exc.args) if all(isinstance(a, (str, int, float, bool)) for a in exc.args) else [str(exc)]
    return _error("raised", str(exc), type=type(exc).__name__, args=[a if not isinstance(a, str) else
                  a[:_MESSAGE_CHARS] for a in args], line=lines[-1] if lines else None)


def _too_big(what: str, length: int) -> bytes:
    return _error("data", what, size=length)


_OUT_OF_MEMORY = _error("memory", "out of memory")  # made ahead: when it is needed there may be no room to make it


def _changes(scope: dict[str, Any], request: dict[str, Any], before: dict[str, str]) -> bytes:
    """The variables the script set or changed (as JSON), and those it deleted."""
    skip = set(R.GUARDS) | set(request["external"])
    changed = []
    for name, value in scope.items():
        if name in skip or callable(value):
            continue
        text = R.encode(f"variable {name!r}", value)
        if before.get(name) != text:
            changed.append((name, text))
    left = sum(len(text) for _, text in changed)
    if left > request["limit"]:
        names = ", ".join(name for name, _ in sorted(changed, key=lambda c: -len(c[1]))[:3])
        return _too_big(f"the data the script leaves ({names})", left)
    deleted = [name for name in request["data"] if name not in scope]
    body = ",".join(f"{json.dumps(name)}:{text}" for name, text in changed)
    return ('{"changed":{' + body + '},"deleted":' + json.dumps(deleted) + "}").encode()


def run(request: dict[str, Any]) -> bytes:
    try:
        code = R.compile_restricted(request["source"], request["mode"])
    except R.Refused as exc:
        return _error("refused", str(exc))
    data = request["data"]
    before = {name: R.encode(name, value) for name, value in data.items()} if request["mode"] == "exec" else {}
    scope = {**request["external"], **data, **R.GUARDS}
    try:
        value = eval(code, scope)  # noqa: S307 - compiled by RestrictedPython, run under the process's limits
        if request["mode"] == "exec":
            return _changes(scope, request, before)
        text = R.encode("the expression's value", value)
        if len(text) > request["limit"]:
            return _too_big("the expression's value", len(text))
        return ('{"value":' + text + "}").encode()
    except MemoryError:
        return _OUT_OF_MEMORY
    except R.NotPlainData as exc:
        return _error("plain", str(exc))
    except BaseException as exc:  # whatever the script raised, even SystemExit, is its own failure
        return _raised(exc)


def _read(stream: IO[bytes], n: int) -> bytes | None:
    data = stream.read(n)
    return data if data is not None and len(data) == n else None


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # the protocol owns stdout
    stdout.write(_HEAD.pack(14) + b'{"ready":true}')
    stdout.flush()
    while (head := _read(stdin, _HEAD.size)) is not None:
        body = _read(stdin, _HEAD.unpack(head)[0])
        if body is None:
            return
        try:
            request = json.loads(body)
            _set_limits(request["memory"], request["seconds"])
            reply = run(request)
        except MemoryError:
            reply = _OUT_OF_MEMORY
        stdout.write(_HEAD.pack(len(reply)) + reply)
        stdout.flush()
        if reply is _OUT_OF_MEMORY:
            return  # start afresh: the engine replaces this process


if __name__ == "__main__":
    main()
