"""Engine test fixtures, on the real database of the root conftest (`db`, `registry`).

`new_engine` builds another WorkflowEngine on the same database: it shares no cache with the
first, so whatever it does must go through the rows, as a second web worker or host would.

pytest puts this folder on `sys.path` when it loads this file, so the tests in jobs/, workplace/,
identity/ and scripting/ import the BPMN helpers here (`tiny_bpmn`) by their bare name.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from engine import ServiceRegistry, WorkflowEngine


@pytest.fixture
def new_engine(db: Engine, registry: ServiceRegistry) -> Callable[[], WorkflowEngine]:
    return lambda: WorkflowEngine(db, registry)


@pytest.fixture
def wf_engine(new_engine: Callable[[], WorkflowEngine]) -> WorkflowEngine:
    return new_engine()
