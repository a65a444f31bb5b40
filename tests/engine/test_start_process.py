"""A service operation may start another process (ServiceCall.start_process) in the same transaction.

That is how one flow hands work to another (an order short of stock starts a purchase approval)
without a call activity, which would need both processes in one deployed bundle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, service, user

from engine import Actor, ProcessInstance, ServiceCall, ServiceRegistry, WorkflowEngine

RITA = Actor("rita", frozenset({"requesters"}))


@dataclass(frozen=True)
class StartChild:
    fail_after: bool = False


def start_child(call: ServiceCall, req: StartChild) -> dict[str, Any]:
    child = call.start_process("child", {"note": f"from {call.instance_id}"}, "BK-1")
    if req.fail_after:
        raise ValueError("the operation failed after starting its child")
    return {"child": child}


def engine(db: Engine) -> WorkflowEngine:
    registry = ServiceRegistry()
    registry.register("test.start_child", start_child, StartChild)
    eng = WorkflowEngine(db, registry)
    eng.deploy_bundle(bundle(linear("child", user("Task_child", "team"))))
    eng.deploy_bundle(bundle(linear("parent", service("Task_start", "test.start_child", {"fail_after": "fail"}),
                                    user("Task_after", "team"))))
    return eng


def instances(db: Engine) -> list[tuple[str, str | None, str, str]]:
    with Session(db) as session:
        return [(i.process_key, i.business_key, i.started_by, i.status) for i in
                session.scalars(select(ProcessInstance).order_by(ProcessInstance.id))]


def test_a_service_call_starts_another_instance_in_the_same_transaction(db: Engine) -> None:
    eng = engine(db)
    parent = eng.start("parent", {"fail": False}, RITA)
    child_id = parent.data["result"]["child"]
    child = eng.get(child_id)
    assert (child.process, child.business_key, child.started_by, child.status) == ("child", "BK-1", "rita", "waiting")
    assert child.data["note"] == f"from {parent.id}"
    assert [t.task_name for t in child.tasks] == ["Task_child"], "the child ran up to its first wait state"


def test_when_the_operation_fails_the_child_is_not_left_behind(db: Engine) -> None:
    eng = engine(db)
    parent = eng.start("parent", {"fail": True}, RITA)
    assert parent.status == "error" and "failed after starting its child" in parent.error_message
    assert instances(db) == [("parent", None, "rita", "error")], "the child rolled back with the failed step"


def test_a_rolled_back_child_leaves_nothing_in_the_workflow_cache(db: Engine) -> None:
    """The id of a child that rolled back is free again (SQLite reuses it): whatever takes it must
    be run from its own row, not from the rolled-back child's workflow."""
    eng, other = engine(db), engine(db)
    eng.start("parent", {"fail": True}, RITA)
    newcomer = other.start("parent", {"fail": False}, RITA)  # on SQLite it takes the freed id
    [task] = newcomer.tasks
    assert (task.task_name, task.status) == ("Task_after", "open")
    done = eng.complete(task.id, Actor("tess", frozenset({"team"})), {})
    assert done.status == "completed"
    history = [e.kind for e in eng.get(newcomer.id).history]
    assert history.count("instance_started") == 1 and history[-1] == "instance_completed"
