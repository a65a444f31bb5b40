"""Where the server time of a request goes: `python -m tests.bench.request_profile [--runs N] [--out FILE]`.

Each everyday request (the API's start, task list, complete and instance; the inbox, task and instance
pages; the page forms that start and complete) is made `--runs` times through the app as deployed
(the demo company on SQLite, CSRF on, the workplace hooks in place) via Flask's test client, so the
figures are server time without a socket. Named parts are timed exclusively (a statement run while a
template renders counts as SQL, not as rendering), so the columns of a row add up to its total; what
no part claims is Flask, Werkzeug and the view's own code. The report is docs/bench/request_profile.md.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask.templating
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection

import engine.forms
import engine.hooks
import engine.persistence
import webui.access
import webui.api.auth
import webui.api.routes
import webui.auth.login_session
import webui.inbox.task
import webui.requests.routes
from engine import HumanTask, WorkflowEngine, Workplace, create_token, refresh_statistics, utcnow
from engine.serializer import StateSerializer
from webui import create_app
from webui.cli import prepare
from webui.demo_history import HistoryWriter
from webui.extensions import db, login_manager

from .bench_http import REQUEST, UNLIMITED_BUDGETS
from .statements import counting

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("token lookup", "session and user", "actor groups", "access rule", "CSRF", "form validation", "state decode",
         "engine step", "state encode", "step hooks", "JSON building", "JSON encoding", "templates", "SQL", "commit")
FORM = {"supplier": "ACME", "reason": "profile", "lines-1-item": "Docking station", "lines-1-quantity": "2",
        "lines-1-unit_price": "3000"}


class Clock:
    """Exclusive time per part: a part's time excludes the parts that ran inside it."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self._stack: list[list[Any]] = []  # [part, started, time of nested parts]

    def enter(self, part: str) -> None:
        self._stack.append([part, time.perf_counter(), 0.0])

    def leave(self) -> None:
        part, started, nested = self._stack.pop()
        elapsed = time.perf_counter() - started
        self.spent[part] += elapsed - nested
        self.counts[part] += 1
        if self._stack:
            self._stack[-1][2] += elapsed

    def reset(self) -> None:
        self.spent.clear()
        self.counts.clear()


CLOCK = Clock()


def _timed(part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        CLOCK.enter(part)
        try:
            return fn(*args, **kwargs)
        finally:
            CLOCK.leave()
    return run


def _wrap(owner: Any, name: str, part: str) -> None:
    setattr(owner, name, _timed(part, getattr(owner, name)))


def instrument(sql_engine: Any) -> None:
    """Wrap the named parts where the app calls them."""
    _wrap(login_manager, "_user_callback", "session and user")
    for rule in vars(webui.access).values():
        if isinstance(rule, type) and issubclass(rule, webui.access.Rule) and "check" in vars(rule):
            _wrap(rule, "check", "access rule")
    _wrap(WorkflowEngine, "_advance", "engine step")
    _wrap(webui.api.auth, "identify_bearer", "token lookup")
    _wrap(webui.api.auth, "note_use", "token lookup")
    _wrap(webui.auth.login_session, "load_user", "session and user")
    _wrap(Workplace, "with_deputy_groups", "actor groups")
    _wrap(CSRFProtect, "protect", "CSRF")
    for module in (webui.inbox.task, webui.requests.routes):
        _wrap(module, "submitted", "form validation")
    _wrap(engine.forms, "validate", "form validation")
    _wrap(StateSerializer, "state_from_json", "state decode")
    _wrap(StateSerializer, "state_to_json", "state encode")
    _wrap(engine.hooks, "step_done", "step hooks")
    _wrap(engine.persistence, "write_events", "step hooks")
    for name in ("instance_json", "task_json", "process_json"):
        _wrap(webui.api.routes, name, "JSON building")
    _wrap(DefaultJSONProvider, "response", "JSON encoding")
    _wrap(flask.templating, "_render", "templates")
    _wrap(Connection, "_commit_impl", "commit")

    @event.listens_for(sql_engine, "before_cursor_execute")
    def _before(*_: Any) -> None:
        CLOCK.enter("SQL")

    @event.listens_for(sql_engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        CLOCK.leave()


class Profiled:
    """The app on a fresh demo database, with the clients and ids the requests need."""

    def __init__(self, folder: str, history: int = 0) -> None:
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/profile.db", "SECRET_KEY": "profile"})
        prepare(self.app)
        with self.app.app_context():
            if history:  # finished requests beside the demo company's, as `opsflow seed-history` writes them
                written = [0]

                def shown(n: int) -> None:
                    written[0] += n
                    print(f"\r  history: {written[0]}/{history}", end="", file=sys.stderr, flush=True)
                HistoryWriter(db.engine, utcnow(), months=6, seed=13).write(history, shown)
                print(file=sys.stderr)
                refresh_statistics(db.engine)
            self.tokens = {u: create_token(db.session, u, scope="act") for u in ("alice", "bob")}
            db.session.execute(text(UNLIMITED_BUDGETS))
            db.session.commit()
            self.sql = db.engine
        self.api = self.app.test_client()
        self.alice, self.bob = self._signed_in("alice"), self._signed_in("bob")

    def _signed_in(self, user: str) -> Any:
        client = self.app.test_client()
        token = _csrf(client.get("/login").get_data(as_text=True))
        signed_in = client.post("/login", data={"username": user, "password": "demo", "csrf_token": token})
        assert signed_in.status_code == 302
        return client

    def send(self, method: str, path: str, user: str, body: dict[str, Any] | None = None) -> Any:
        """The response, its body unread: reading it is the client's time, not the server's."""
        r = self.api.open(path, method=method, json=body, headers={"Authorization": f"Bearer {self.tokens[user]}"})
        assert r.status_code in (200, 201), r.get_data(as_text=True)[:300]
        return r

    def call(self, method: str, path: str, user: str, body: dict[str, Any] | None = None) -> Any:
        return self.send(method, path, user, body).get_json()

    def start(self) -> Any:
        return self.send("POST", "/api/v1/process-instances", "alice",
                         {"process": "purchase_approval", "data": REQUEST})

    def started(self) -> dict[str, Any]:
        return self.start().get_json()

    def open_task(self) -> tuple[str, int]:
        with self.app.app_context():
            row = db.session.execute(select(HumanTask.id, HumanTask.instance_id).where(
                HumanTask.status == "open", HumanTask.candidate_group == "IT-managers")
                .order_by(HumanTask.created_at.desc()).limit(1)).one()
            db.session.close()
        return row.id, row.instance_id


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def requests(p: Profiled) -> dict[str, Callable[[], Callable[[], Any]]]:
    """Each request as a set-up (run untimed) returning the request itself."""
    def api_complete() -> Callable[[], Any]:
        task = next(t for t in p.started()["tasks"] if t["status"] == "open")
        return lambda: p.send("POST", f"/api/v1/tasks/{task['id']}/complete", "bob", {"data": {"decision": "approve"}})

    def page_complete() -> Callable[[], Any]:
        p.started()
        task, _ = p.open_task()
        token = _csrf(p.bob.get(f"/tasks/{task}").get_data(as_text=True))
        return lambda: _expect(p.bob.post(f"/tasks/{task}", data={"decision": "approve", "csrf_token": token}), 302)

    def page_start() -> Callable[[], Any]:
        token = _csrf(p.alice.get("/requests/new").get_data(as_text=True))
        return lambda: _expect(p.alice.post("/requests/new", data={**FORM, "csrf_token": token}), 302)

    def newest(path: str, client: Any) -> Callable[[], Callable[[], Any]]:
        def setup() -> Callable[[], Any]:
            p.started()
            task, instance = p.open_task()
            return lambda: _expect(client.get(path.format(task=task, instance=instance)), 200)
        return setup

    def api_instance() -> Callable[[], Any]:
        instance = p.started()["id"]
        return lambda: p.send("GET", f"/api/v1/process-instances/{instance}", "bob")

    return {
        "API start": lambda: p.start,
        "API task list": lambda: lambda: p.send("GET", "/api/v1/tasks", "bob"),
        "API complete": api_complete,
        "API instance": api_instance,
        "page start": page_start,
        "page inbox": newest("/inbox", p.bob),
        "page task": newest("/tasks/{task}", p.bob),
        "page complete": page_complete,
        "page instance": newest("/instances/{instance}", p.bob),
    }


def _expect(response: Any, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    return response


def profile(runs: int, history: int = 0) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        p = Profiled(folder, history)
        instrument(p.sql)
        rows: dict[str, dict[str, Any]] = {}
        for name, setup in requests(p).items():
            for _ in range(5):  # warm: the first requests fill the workflow and form caches
                setup()()
            totals: list[float] = []
            parts: dict[str, float] = defaultdict(float)
            statements = commits = 0
            for _ in range(runs):
                request = setup()
                CLOCK.reset()
                with counting(p.sql) as seen:
                    started = time.perf_counter()
                    request()
                    totals.append((time.perf_counter() - started) * 1000)
                statements, commits = seen.statements, seen.commits
                for part, seconds in CLOCK.spent.items():
                    parts[part] += seconds * 1000 / runs
                print(f"\r  {name}: {len(totals)}/{runs}", end="", file=sys.stderr, flush=True)
            print(file=sys.stderr)
            totals.sort()
            rows[name] = {"mean": statistics.fmean(totals), "p50": statistics.median(totals),
                          "p99": totals[max(0, int(len(totals) * 0.99) - 1)], "statements": statements,
                          "commits": commits, "parts": dict(parts)}
        with p.app.app_context():
            db.engine.dispose()
    return rows


def report(rows: dict[str, dict[str, Any]], runs: int, command: str, history: int = 0) -> str:
    head = ["request", "mean ms", "p50", "p99", "stmts", "commits", *PARTS, "Flask, views, rest"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in rows.items():
        named = [r["parts"].get(part, 0.0) for part in PARTS]
        rest = r["mean"] - sum(named)
        cells = [name, f"{r['mean']:.1f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}", str(r["statements"]),
                 str(r["commits"]), *(f"{v:.2f}" if v >= 0.005 else "–" for v in named), f"{rest:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([
        "# Where a request's server time goes",
        "",
        f"Made by `{command}` ({runs} runs of each request after 5 warm-up runs, the demo company on SQLite"
        + (f" with {history:,} finished requests of history beside it" if history else "") + ", "
        "through Flask's test client: server time, no socket). Milliseconds per request; a part's time excludes "
        "the parts that ran inside it, so a row's parts and its last column add up to its mean. "
        "`SQL` is the statements' execution (their count in `stmts`), `commit` the commits (`commits`); "
        "`session and user` the login session's row and its user, `actor groups` the groups of whoever "
        "the user stands in for, `access rule` the view's access check (beside its statements); "
        "`state decode`/`encode` is the workflow state read from or written to JSON; `engine step` SpiffWorkflow "
        "running the step and the task mirror; `step hooks` the timers, "
        "events and notifications written after each step; `JSON building` turning views into dicts, "
        "`JSON encoding` the response body; `templates` Jinja2 rendering.",
        "",
        *lines,
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.request_profile")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--history", type=int, default=0,
                        help="finished requests to write first (seed-history), e.g. 100000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "bench" / "request_profile.md"))
    args = parser.parse_args()
    rows = profile(args.runs, args.history)
    command = f"python -m tests.bench.request_profile --runs {args.runs}" + \
        (f" --history {args.history}" if args.history else "")
    text_ = report(rows, args.runs, command, args.history)
    Path(args.out).write_text(text_)
    print(text_)


if __name__ == "__main__":
    main()
