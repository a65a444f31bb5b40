"""The server is killed (SIGKILL) in the middle of a burst of requests, then started again: every request it
answered 2xx is there, none was applied twice, and each instance, its task rows and its event log agree."""
from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from served import Server, tokens
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session

from engine import Event, HumanTask, ProcessDefinition, ProcessInstance, ServiceRegistry, make_engine
from engine.scripting import OpsFlowScriptEngine
from engine.serializer import StateSerializer
from modules import register_all

pytestmark = pytest.mark.adversarial

PURCHASE = {"supplier": "ACME", "reason": "burst", "lines": [{"item": "Dock", "quantity": 1, "unit_price": 900}]}
CLIENTS, KILL_AFTER = 4, 2.0


def _burst(server: Server, keys: dict[str, str], stop: threading.Event, acked: dict[str, list[Any]]) -> None:
    """Start a request as alice, approve it as bob; note every answer the server gave 2xx."""
    while not stop.is_set():
        try:
            status, body = server.call("POST", "/api/v1/process-instances", keys["alice"],
                                       {"process": "purchase_approval", "data": PURCHASE})
            if status != 201:
                continue
            acked["started"].append(body["id"])
            [task] = [t["id"] for t in body["tasks"] if t["status"] == "open"]
            status, _ = server.call("POST", f"/api/v1/tasks/{task}/complete", keys["bob"],
                                    {"data": {"decision": "approve"}})
            if status == 200:
                acked["completed"].append(task)
        except (OSError, ValueError):  # the server died under this request: its outcome is unknown
            time.sleep(0.05)


def _disagreements(url: str, instance_ids: list[int]) -> list[str]:
    """Instances whose ready user tasks (in the saved state) differ from their open task rows, or whose
    event log lacks their start or holds a task decided twice."""
    db, serializer = make_engine(url), StateSerializer()
    registry = register_all(ServiceRegistry())
    problems = []
    with Session(db) as session:
        for inst in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(instance_ids))):
            spec = serializer.specs_from_json(session.get(ProcessDefinition, inst.definition_id).spec_json)
            wf = serializer.state_from_json(inst.state, spec, OpsFlowScriptEngine(registry))
            ready = {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}
            rows = set(session.scalars(select(HumanTask.id).where(HumanTask.instance_id == inst.id,
                                                                  HumanTask.status == "open")))
            if ready != rows:
                problems.append(f"#{inst.id}: ready {sorted(ready)} but open rows {sorted(rows)}")
            kinds = list(session.scalars(select(Event.kind).where(Event.instance_id == inst.id)))
            if kinds.count("instance_started") != 1:
                problems.append(f"#{inst.id}: {kinds.count('instance_started')} starts in the event log")
        twice = session.execute(select(Event.task_id).where(Event.kind == "task_completed")
                                .group_by(Event.task_id).having(func.count() > 1)).all()
        problems += [f"task {t} completed twice" for (t,) in twice]
    db.dispose()
    return problems


def test_a_server_killed_mid_burst_loses_and_doubles_nothing(server: Server, figure) -> None:  # noqa: ANN001
    keys = tokens(server.url, "alice", "bob")
    server.start()
    acked: dict[str, list[Any]] = {"started": [], "completed": []}
    stop = threading.Event()
    clients = [threading.Thread(target=_burst, args=(server, keys, stop, acked)) for _ in range(CLIENTS)]
    for c in clients:
        c.start()
    time.sleep(KILL_AFTER)
    server.kill()
    stop.set()
    for c in clients:
        c.join(90)
    assert acked["started"], "the burst reached the server before it was killed"
    server.start()  # comes back on the same database
    assert server.call("GET", "/login")[0] == 200

    db = make_engine(server.url)
    with Session(db) as session:
        found = set(session.scalars(select(ProcessInstance.id).where(ProcessInstance.id.in_(acked["started"]))))
        done = dict(session.execute(select(HumanTask.id, HumanTask.completed_by)
                                    .where(HumanTask.id.in_(acked["completed"]))).all())
        ours = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.summary["reason"].as_string()
                                                                     == "burst")))
    db.dispose()
    lost = (set(acked["started"]) - found) | {t for t in acked["completed"] if done.get(t) != "bob"}
    problems = _disagreements(server.url, ours)
    assert lost == set() and problems == []
    figure(f"crash ({make_url(server.url).get_backend_name()})",
           f"SIGKILL after {KILL_AFTER:g} s of {CLIENTS} clients: {len(acked['started'])} starts and "
           f"{len(acked['completed'])} approvals acknowledged, {len(ours)} instances found, data lost = {len(lost)}, "
           f"disagreements = {len(problems)}")
