"""What `python app.py` (and `make run`) says once it is ready: where OpsFlow listens and how to sign in."""
from __future__ import annotations

from .demo_people import DEMO_PASSWORD

TRY = (("alice", "requester"), ("bob", "IT manager"), ("carol", "finance director"), ("dave", "process designer"),
       ("admin", "administrator"))


def address(host: str, port: int) -> str:
    """The address to open: a listener on every interface is reached on this machine at 127.0.0.1."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


def welcome(host: str, port: int, demo: bool) -> str:
    lines = [f"OpsFlow is ready at {address(host, port)}  (OPSFLOW_HOST={host}, OPSFLOW_PORT={port})"]
    if demo:
        people = ", ".join(f"{name} ({who})" for name, who in TRY)
        lines.append(f"Demo sign-in: {people}; password '{DEMO_PASSWORD}' (demo use only; OPSFLOW_DEMO=0 for none)")
    return "\n".join(lines)
