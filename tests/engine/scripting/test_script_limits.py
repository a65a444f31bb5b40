"""The limits as an operator sets them, and the bound on an instance's whole state.

A step that would leave the serialized state above `ScriptLimits.state` is refused with the
element and the size named, and nothing of it is written: the instance stays as it was.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from tiny_bpmn import bundle, linear, script, user

from engine import Actor, Event, HumanTask, ProcessInstance, ServiceRegistry, WorkflowEngine
from engine.scripting.limits import MB, ScriptLimits, StateTooLarge

REQUESTER = Actor("rita", groups=frozenset({"requesters"}))
KB = 1024


def test_defaults_and_the_environment() -> None:
    assert ScriptLimits.from_environment({}) == ScriptLimits(seconds=1.0, memory=256 * MB, data=1 * MB, state=8 * MB)
    limits = ScriptLimits.from_environment({"OPSFLOW_SCRIPT_SECONDS": "2.5", "OPSFLOW_SCRIPT_MEMORY_MB": "512",
                                            "OPSFLOW_SCRIPT_DATA_MB": "0.5", "OPSFLOW_STATE_MB": " 16 "})
    assert limits == ScriptLimits(seconds=2.5, memory=512 * MB, data=MB // 2, state=16 * MB)


@pytest.mark.parametrize("environ, words", [
    ({"OPSFLOW_SCRIPT_SECONDS": "soon"}, ["OPSFLOW_SCRIPT_SECONDS must be a number", "'soon'"]),
    ({"OPSFLOW_SCRIPT_SECONDS": "0"}, ["seconds must be a positive number"]),
    ({"OPSFLOW_STATE_MB": "-1"}, ["state must be a positive number"]),
    ({"OPSFLOW_SCRIPT_MEMORY_MB": "8"}, ["memory must be at least 32 MB", "not 8 MB"]),
    ({"OPSFLOW_SCRIPT_SECONDS": "inf"}, ["seconds must be a positive number"]),
])
def test_a_bad_setting_is_refused_naming_it(environ: dict[str, str], words: list[str]) -> None:
    with pytest.raises(ValueError) as info:
        ScriptLimits.from_environment(environ)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_the_engine_reads_its_limits_from_the_environment(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSFLOW_STATE_MB", "2")
    assert WorkflowEngine(db).limits.state == 2 * MB
    assert WorkflowEngine(db, limits=ScriptLimits(state=3 * MB)).limits.state == 3 * MB


@pytest.fixture
def small_state(db: Engine, registry: ServiceRegistry) -> WorkflowEngine:
    eng = WorkflowEngine(db, registry, limits=ScriptLimits(data=256 * KB, state=256 * KB))
    eng.deploy_bundle(bundle(linear("grow", user("fill", "requesters"), script("copy", "more = note"),
                                    user("look", "requesters"))))
    return eng


def _counts(db: Engine) -> dict[str, Any]:
    with db.connect() as conn:
        row = conn.execute(select(ProcessInstance.lock_version, func.length(ProcessInstance.state))).one_or_none()
        return {"instance": tuple(row) if row else None,
                "events": conn.scalar(select(func.count()).select_from(Event)),
                "open tasks": conn.scalar(select(func.count()).where(HumanTask.status == "open"))}


def test_a_completion_that_would_grow_the_state_past_the_limit_writes_nothing(small_state: WorkflowEngine,
                                                                              db: Engine) -> None:
    [task] = small_state.start("grow", {}, REQUESTER).tasks
    before = _counts(db)
    with pytest.raises(StateTooLarge) as info:  # a note under the data limit, copied: over the state's
        small_state.complete(task.id, REQUESTER, {"note": "n" * 200_000})
    assert info.value.status == 422
    assert "after 'copy' the instance's state would be " in info.value.message
    assert "above the limit of 256 KB; nothing of this step was saved" in info.value.message
    assert info.value.detail["element"] == "copy" and info.value.detail["size"] > 400_000
    assert _counts(db) == before, "the instance row, its events and its task rows are as they were"

    done = small_state.complete(task.id, REQUESTER, {"note": "short"})
    assert [t.task_name for t in done.tasks] == ["look"] and done.data["more"] == "short"


def test_a_start_whose_steps_leave_too_much_state_creates_no_instance(small_state: WorkflowEngine,
                                                                      db: Engine) -> None:
    small_state.deploy_bundle(bundle(linear("big_start", script("copy", "more = note\nagain = note"),
                                            user("look", "requesters"))))
    with pytest.raises(StateTooLarge, match="process big_start: after 'copy'"):
        small_state.start("big_start", {"note": "n" * 100_000}, REQUESTER)
    assert _counts(db) == {"instance": None, "events": 0, "open tasks": 0}


def test_an_instance_already_above_a_lowered_limit_can_still_be_cancelled(db: Engine,
                                                                         registry: ServiceRegistry) -> None:
    roomy = WorkflowEngine(db, registry)
    roomy.deploy_bundle(bundle(linear("grow", user("fill", "requesters"))))
    view = roomy.start("grow", {"note": "n" * 300_000}, REQUESTER)
    strict = WorkflowEngine(db, registry, limits=ScriptLimits(state=256 * KB))
    assert strict.cancel(view.id, REQUESTER).status == "cancelled"
