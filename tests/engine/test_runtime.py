"""The WorkflowEngine as its callers see it: who may do what, in what order, and what races do.

Several engines on one database stand for several web workers or hosts: they share rows, not
caches, and must still agree.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, script, user

from engine import (
    Actor,
    Conflict,
    Event,
    Forbidden,
    HumanTask,
    InstanceView,
    InvalidData,
    NotFound,
    ServiceCall,
    ServiceError,
    ServiceRegistry,
    WorkflowEngine,
    inbox_key,
)

REQUESTER = Actor("rita", groups=frozenset({"requesters"}))
ALAN = Actor("alan", groups=frozenset({"approvers"}))
AVA = Actor("ava", groups=frozenset({"approvers"}))
OUTSIDER = Actor("olaf", groups=frozenset({"warehouse"}))
ADMIN = Actor("root", roles=frozenset({"admin"}))

TWO_STEPS = linear("two_steps", user("first", "approvers"), script("between", "step = 'second'"),
                   user("second", "approvers"))


@pytest.fixture
def two_steps(wf_engine: WorkflowEngine) -> WorkflowEngine:
    wf_engine.deploy_bundle(bundle(TWO_STEPS))
    return wf_engine


def _open(view: InstanceView) -> list:
    return [t for t in view.tasks if t.status == "open"]


def test_a_second_engine_sees_and_continues_what_the_first_did(two_steps: WorkflowEngine, new_engine) -> None:
    other = new_engine()
    view = two_steps.start("two_steps", {"order": 7}, REQUESTER)
    [first] = _open(view)
    after_first = other.complete(first.id, ALAN, {"note": "checked by alan"})
    [second] = _open(after_first)
    assert second.task_name == "second"

    done = two_steps.complete(second.id, AVA, {})  # its cached copy is stale: it must reload from the row
    assert done.status == "completed"
    assert (done.data["note"], done.data["step"], done.data["order"]) == ("checked by alan", "second", 7)
    history = two_steps.get(done.id).history  # a command answers with open tasks; get() has the history
    assert [(e.kind, e.actor) for e in history if e.kind == "task_completed"] == [("task_completed", "alan"),
                                                                                      ("task_completed", "ava")]
    assert new_engine().get(view.id).status == "completed"


@pytest.mark.parametrize("engines", ["one shared engine", "two engines"])
def test_two_people_completing_one_task_at_once_one_wins_one_gets_conflict(
        two_steps: WorkflowEngine, new_engine: Callable[[], WorkflowEngine], db: Engine, engines: str) -> None:
    view = two_steps.start("two_steps", {}, REQUESTER)
    [first] = _open(view)
    actors = {"alan": (ALAN, two_steps), "ava": (AVA, two_steps if engines == "one shared engine" else new_engine())}
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def complete(name: str) -> None:
        actor, eng = actors[name]
        barrier.wait(timeout=10)
        try:
            outcomes[name] = eng.complete(first.id, actor, {"decision": f"by {name}"})
        except Exception as exc:  # collected and asserted below
            outcomes[name] = exc

    threads = [threading.Thread(target=complete, args=(name,)) for name in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [n for n, o in outcomes.items() if isinstance(o, InstanceView)]
    losers = [n for n, o in outcomes.items() if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes

    final = new_engine().get(view.id)
    assert final.data["decision"] == f"by {winners[0]}"
    completions = [e for e in final.history if e.kind == "task_completed"]
    assert [(e.actor, e.task_name) for e in completions] == [(winners[0], "first")]
    assert [t.task_name for t in _open(final)] == ["second"]
    with Session(db) as session:
        row = session.get(HumanTask, first.id)
        assert (row.status, row.completed_by) == ("completed", winners[0])
    assert new_engine().complete(_open(final)[0].id, ALAN, {}).status == "completed"


def test_completing_a_finished_task_is_a_conflict(two_steps: WorkflowEngine) -> None:
    [first] = _open(two_steps.start("two_steps", {}, REQUESTER))
    two_steps.complete(first.id, ALAN, {})
    with pytest.raises(Conflict):
        two_steps.complete(first.id, AVA, {})


def test_open_tasks_come_by_due_date_then_creation_and_page(db: Engine, registry: ServiceRegistry) -> None:
    now = [datetime(2030, 1, 7, 9, 0)]
    eng = WorkflowEngine(db, registry, clock=lambda: now[0])
    for key, due in (("whenever", None), ("later", "P5D"), ("soon", "P1D")):
        eng.deploy_bundle(bundle(linear(key, user("t", "approvers", due_in=due))))
    started = []
    for key in ("whenever", "later", "soon", "soon"):
        now[0] += timedelta(minutes=1)
        started.append(eng.start(key, {}, REQUESTER).id)

    inbox = eng.open_tasks(ALAN)
    assert [t.instance_id for t in inbox] == [started[2], started[3], started[1], started[0]]
    assert inbox[0].due_at == datetime(2030, 1, 8, 9, 3) and inbox[-1].due_at is None
    assert [t.instance_id for t in eng.open_tasks(ALAN, limit=2, offset=1)] == [started[3], started[1]]
    assert eng.open_tasks(OUTSIDER) == []
    for i, task in enumerate(inbox):  # by key: what follows each task, dated or not, in the same order
        assert eng.open_tasks(ALAN, after=inbox_key(task)) == inbox[i + 1:]


def test_requester_excluded_from_deciding_on_their_own_request(wf_engine: WorkflowEngine) -> None:
    wf_engine.deploy_bundle(bundle(linear("sod", user("approve", "approvers", exclude_requester=True))))
    view = wf_engine.start("sod", {}, ALAN)  # alan asks, and alan is an approver himself
    [task] = _open(view)
    assert task.excluded_user == "alan"
    assert wf_engine.open_tasks(ALAN) == []
    assert [t.id for t in wf_engine.open_tasks(AVA)] == [task.id]
    with pytest.raises(Forbidden):
        wf_engine.complete(task.id, ALAN, {})
    with pytest.raises(Forbidden):
        wf_engine.claim(task.id, ALAN)
    assert wf_engine.complete(task.id, AVA, {}).status == "completed"


def test_claimed_task_belongs_to_whoever_claimed_it(two_steps: WorkflowEngine) -> None:
    [task] = _open(two_steps.start("two_steps", {}, REQUESTER))
    assert two_steps.claim(task.id, AVA).assignee == "ava"
    assert [t.id for t in two_steps.open_tasks(AVA)] == [task.id]
    assert two_steps.open_tasks(ALAN) == []
    with pytest.raises(Conflict):
        two_steps.claim(task.id, ALAN)
    with pytest.raises(Forbidden):
        two_steps.complete(task.id, ALAN, {})
    with pytest.raises(Forbidden):
        two_steps.unclaim(task.id, ALAN)
    assert two_steps.unclaim(task.id, ADMIN).assignee is None
    assert [t.id for t in two_steps.open_tasks(ALAN)] == [task.id]
    history = two_steps.get(task.instance_id).history
    assert [(e.kind, e.actor) for e in history if e.kind.startswith("task_") and "claim" in e.kind] == [
        ("task_claimed", "ava"), ("task_unclaimed", "root")]


def test_people_outside_the_candidate_group_can_neither_see_nor_complete(two_steps: WorkflowEngine) -> None:
    view = two_steps.start("two_steps", {}, REQUESTER)
    [task] = _open(view)
    with pytest.raises(Forbidden):
        two_steps.complete(task.id, OUTSIDER, {})
    with pytest.raises(Forbidden):
        two_steps.get(view.id, OUTSIDER)
    with pytest.raises(Forbidden):
        two_steps.task(task.id, OUTSIDER)
    assert two_steps.get(view.id, ALAN).id == view.id
    assert two_steps.get(view.id, REQUESTER).started_by == "rita"


def test_cancel_closes_open_tasks_and_only_the_requester_or_admin_may(two_steps: WorkflowEngine, db: Engine) -> None:
    view = two_steps.start("two_steps", {}, REQUESTER)
    with pytest.raises(Forbidden):
        two_steps.cancel(view.id, ALAN)
    cancelled = two_steps.cancel(view.id, REQUESTER)
    assert cancelled.status == "cancelled" and cancelled.ended_at is not None
    assert cancelled.tasks == []  # nothing left open
    assert [t.status for t in two_steps.get(view.id).tasks] == ["cancelled"]
    assert two_steps.open_tasks(ALAN) == []
    with pytest.raises(Conflict):
        two_steps.cancel(view.id, ADMIN)
    with Session(db) as session:
        kinds = list(session.scalars(select(Event.kind).where(Event.instance_id == view.id).order_by(Event.id)))
    assert kinds[-1] == "instance_cancelled"


def test_cancel_runs_the_hooks_registered_for_the_process_in_its_transaction(two_steps: WorkflowEngine) -> None:
    seen: list[tuple[int, str, str, Any]] = []

    def tidy(call: ServiceCall, data: dict[str, Any]) -> dict[str, Any]:
        seen.append((call.instance_id, call.actor, call.process_key, data.get("order")))
        return {"order": data.get("order"), "status": "withdrawn"}

    two_steps.registry.on_cancel("two_steps", tidy)
    two_steps.registry.on_cancel("another_process", lambda call, data: pytest.fail("not this process"))
    view = two_steps.start("two_steps", {"order": 7}, REQUESTER)
    two_steps.cancel(view.id, REQUESTER)
    assert seen == [(view.id, "rita", "two_steps", 7)]
    [event] = [e for e in two_steps.get(view.id).history if e.kind == "instance_cancelled"]
    assert event.detail == {"effects": [{"order": 7, "status": "withdrawn"}]}


def test_a_failing_cancel_hook_refuses_the_cancel_and_leaves_the_instance_as_it_was(
        two_steps: WorkflowEngine) -> None:
    def broken(call: ServiceCall, data: dict[str, Any]) -> None:
        raise LookupError("supplier register is offline")

    two_steps.registry.on_cancel("two_steps", broken)
    view = two_steps.start("two_steps", {}, REQUESTER)
    with pytest.raises(ServiceError, match="broken failed: LookupError: supplier register is offline"):
        two_steps.cancel(view.id, REQUESTER)
    still = two_steps.get(view.id)
    assert still.status == "waiting" and [t.status for t in still.tasks] == ["open"]
    assert "instance_cancelled" not in [e.kind for e in still.history]


def test_start_refuses_what_it_cannot_run(two_steps: WorkflowEngine) -> None:
    with pytest.raises(NotFound):
        two_steps.start("no_such_process", {}, REQUESTER)
    with pytest.raises(InvalidData):
        two_steps.start("two_steps", ["not", "an", "object"], REQUESTER)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        two_steps.get(12345)


def test_start_form_is_enforced_and_a_refused_start_stores_nothing(wf_engine: WorkflowEngine, db: Engine) -> None:
    form = {"fields": [{"name": "amount", "type": "number", "required": True, "min": 1}]}
    wf_engine.deploy_bundle(bundle(linear("formal", user("t", "approvers")), forms={"start": form}))
    with pytest.raises(InvalidData) as info:
        wf_engine.start("formal", {"amount": "0"}, REQUESTER)
    assert set(info.value.errors) == {"amount"}
    with Session(db) as session:
        assert session.scalars(select(Event)).first() is None
    assert wf_engine.start("formal", {"amount": "12.5"}, REQUESTER).data["amount"] == 12.5
