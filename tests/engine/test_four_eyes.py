"""Four eyes: nobody decides their own request, nor two levels of the same one, however the task reaches them.

A person in both approving groups decides one level and is refused the other, by a claim, a completion,
a hand-over, an escalation or a deputy's standing in.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, user

from engine import Actor, Forbidden, InvalidData, WorkflowEngine, Workplace, create_user, reassign

REQUESTER = Actor("rita", frozenset({"staff"}))
BOTH = Actor("max", frozenset({"managers", "directors"}))  # may decide either level, never both
MANAGER = Actor("mona", frozenset({"managers"}))
DIRECTOR = Actor("dirk", frozenset({"directors"}))
NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def eng(db: Engine, registry) -> WorkflowEngine:  # noqa: ANN001
    with Session(db) as session:
        for a in (REQUESTER, BOTH, MANAGER, DIRECTOR):
            create_user(session, a.username, "pw", groups=sorted(a.groups), check_policy=False)
        session.commit()
    engine = WorkflowEngine(db, registry, clock=lambda: NOW)
    levels = [user(name, group, four_eyes=True, exclude_requester=True)
              for name, group in (("manager", "managers"), ("director", "directors"))]
    engine.deploy_bundle(bundle(linear("two_levels", *levels)))
    return engine


def _open(engine: WorkflowEngine, instance_id: int) -> str:
    return next(t.id for t in engine.get(instance_id).tasks if t.status == "open")


def test_who_decided_the_first_level_may_not_decide_the_second(eng: WorkflowEngine) -> None:
    inst = eng.start("two_levels", {}, REQUESTER).id
    eng.complete(_open(eng, inst), BOTH, {})
    second = _open(eng, inst)
    with pytest.raises(Forbidden, match="four eyes"):
        eng.claim(second, BOTH)
    with pytest.raises(Forbidden, match="four eyes"):
        eng.complete(second, BOTH, {})
    assert eng.complete(second, DIRECTOR, {}).status == "completed"


def test_a_hand_over_an_escalation_and_a_deputy_never_bring_it_back(eng: WorkflowEngine, tmp_path: Path) -> None:
    place = Workplace(eng, tmp_path)
    inst = eng.start("two_levels", {}, REQUESTER).id
    eng.complete(_open(eng, inst), BOTH, {})
    second = _open(eng, inst)
    eng.claim(second, DIRECTOR)
    with pytest.raises(InvalidData, match="decided an earlier step"):
        place.delegate(second, DIRECTOR, BOTH.username, "busy")
    with pytest.raises(InvalidData, match="requested this"):
        place.delegate(second, DIRECTOR, REQUESTER.username, "busy")
    for who in (BOTH.username, REQUESTER.username):
        with pytest.raises(Forbidden, match="separation of duties"):
            reassign(eng, second, who, "system", reason="overdue")
    place.set_absence(DIRECTOR, BOTH.username, date(2026, 3, 1), date(2026, 3, 3))
    assert next(t for t in eng.get(inst).tasks if t.id == second).assignee == DIRECTOR.username, \
        "the deputy decided the first level: the task waits for its director"


def test_an_escalation_that_would_give_the_task_to_its_requester_keeps_it(eng: WorkflowEngine) -> None:
    inst = eng.start("two_levels", {}, MANAGER).id  # a manager's own request goes to the managers
    task = _open(eng, inst)
    with pytest.raises(Forbidden, match="separation of duties"):
        reassign(eng, task, MANAGER.username, "system", reason="overdue")
    assert next(t for t in eng.get(inst).tasks if t.id == task).assignee is None
    assert eng.complete(task, BOTH, {}).status == "waiting", "another manager decides it"
