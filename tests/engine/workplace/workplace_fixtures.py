"""A small approval process of the tests' own, people to run it, and a Workplace over them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, user

from engine import Actor, WorkflowEngine, Workplace, create_user

FORM = {"fields": [{"name": "decision", "type": "choice", "required": True, "choices": ["approve", "reject"]},
                   {"name": "comment", "type": "text"},
                   {"name": "reason", "type": "string", "required_if": {"decision": "reject"}}]}


def review_xml(bulk: bool = True, priority: str | None = "high") -> str:
    task = user("review", "reviewers", form="review", due_in="P1D", title='"Review " + item', exclude_requester=True)
    extra = "".join(f'<spiffworkflow:property name="{k}" value="{v}" />'
                    for k, v in (("bulk_approve", "true" if bulk else None), ("priority", priority)) if v)
    return linear("expense_check", task.replace("</spiffworkflow:properties>", extra + "</spiffworkflow:properties>"))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def people(db: Engine) -> dict[str, Actor]:
    spec = {"rita": ["requesters"], "ann": ["reviewers"], "ben": ["reviewers"], "dan": ["auditors"],
            "zed": ["requesters"]}
    with Session(db) as session:
        for name, groups in spec.items():
            create_user(session, name, "pw", groups=groups, display_name=name.title(), check_policy=False)
        session.commit()
    return {name: Actor(name, frozenset(groups)) for name, groups in spec.items()}


@pytest.fixture
def place(db: Engine, registry, clock: Clock, tmp_path: Path, people: dict[str, Actor]) -> Workplace:  # noqa: ANN001
    eng = WorkflowEngine(db, registry, clock=clock)
    eng.deploy_bundle(bundle(review_xml(), "expense_check.bpmn", {"review": FORM}))
    return Workplace(eng, tmp_path / "files")


@pytest.fixture
def start(place: Workplace, people: dict[str, Actor]) -> Callable[..., tuple[int, str]]:
    """Start one expense check as rita; returns (instance id, open task id)."""
    def _start(item: str = "Laptop", amount: float = 100.0) -> tuple[int, str]:
        view = place.engine.start("expense_check", {"item": item, "amount": amount}, people["rita"],
                                  business_key=f"EX-{item}")
        return view.id, next(t.id for t in view.tasks if t.status == "open")
    return _start
