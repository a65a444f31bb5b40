"""Twenty people press Approve on the same task at the same moment, over real HTTP: one wins, nineteen are told
it was decided already, and the event log holds exactly one decision."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from served import Server, tokens
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import Event, HumanTask, make_engine

pytestmark = pytest.mark.adversarial

CLIENTS = 20
PURCHASE = {"supplier": "ACME", "reason": "race", "lines": [{"item": "Monitor", "quantity": 2, "unit_price": 4000}]}


def test_twenty_clients_completing_one_task_give_one_200_and_nineteen_409(server: Server, figure) -> None:  # noqa: ANN001
    keys = tokens(server.url, "alice", "bob")
    server.start()
    status, started = server.call("POST", "/api/v1/process-instances", keys["alice"],
                                  {"process": "purchase_approval", "data": PURCHASE})
    assert status == 201, started
    [task] = [t for t in started["tasks"] if t["status"] == "open"]
    gate, answers = threading.Barrier(CLIENTS), []

    def approve() -> None:
        gate.wait()
        answers.append(server.call("POST", f"/api/v1/tasks/{task['id']}/complete", keys["bob"],
                                   {"data": {"decision": "approve", "comment": "ok"}})[0])

    threads = [threading.Thread(target=approve) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    counted = Counter(answers)
    assert counted == {200: 1, 409: CLIENTS - 1}, counted
    db = make_engine(server.url)
    with Session(db) as session:
        decisions = session.scalar(select(func.count()).select_from(Event).where(
            Event.task_id == task["id"], Event.kind == "task_completed"))
        row = session.get(HumanTask, task["id"])
    db.dispose()
    assert decisions == 1 and (row.status, row.completed_by) == ("completed", "bob")
    figure("race", f"{CLIENTS} clients completing one task: {counted[200]}×200, {counted[409]}×409, "
                   f"{decisions} decision in the event log")
