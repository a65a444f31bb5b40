"""Hostile diagrams deployed through the designer, as a designer's browser would post them: each is refused with
the problem named, and no version is stored."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import ProcessDefinition, WorkflowEngine

pytestmark = pytest.mark.adversarial

Login = Callable[..., FlaskClient]
LAUGHS = ('<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


def _hostile(xml: str) -> dict[str, tuple[str, str]]:
    """name → (the diagram, what the refusal must say)."""
    body = xml.split("?>", 1)[1]
    script = xml.split("<bpmn:script>", 1)
    return {
        "external entity (file)": ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body,
                                   "DOCTYPE declarations are not allowed"),
        "external entity (network)": ('<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://203.0.113.1/x.dtd">' + body,
                                      "DOCTYPE declarations are not allowed"),
        "billion laughs": ('<?xml version="1.0"?>' + LAUGHS + body, "DOCTYPE declarations are not allowed"),
        "malformed": (xml[: len(xml) // 2], "not well-formed"),
        "an import in a script": (script[0] + "<bpmn:script>import os\n" + script[1], "import"),
        "a dunder escape in a script": (script[0] + "<bpmn:script>x = ().__class__.__bases__\n" + script[1],
                                        "__class__"),
        "an unknown service operation": (xml.replace('id="finance.check_budget"', 'id="os.system_call"'),
                                         "os.system_call"),
        "a gateway condition that imports": (xml.replace('decision == "return"', "__import__('os').getpid() == 1"),
                                             "__import__"),
    }


def _versions(engine: WorkflowEngine) -> int:
    with engine.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition)
                              .where(ProcessDefinition.key == "purchase_approval"))


def test_hostile_diagrams_are_refused_naming_the_problem_and_store_nothing(login: Login, engine: WorkflowEngine,
                                                                           figure) -> None:  # noqa: ANN001
    dave = login("dave")
    xml = dave.get("/designer/purchase_approval/v1.bpmn").get_data(as_text=True)
    before, refused = _versions(engine), []
    for name, (diagram, message) in _hostile(xml).items():
        response = dave.post("/designer/purchase_approval/deploy", json={"xml": diagram})
        problems = " ".join(p["message"] for p in (response.get_json() or {}).get("problems", []))
        assert response.status_code == 422 and message in problems, (name, response.status_code, problems)
        refused.append(name)
    big = dave.post("/designer/purchase_approval/deploy", json={"xml": xml + " " * (17 * 1024 * 1024)})
    assert big.status_code == 413
    assert _versions(engine) == before
    figure("hostile diagrams", f"{len(refused) + 1} deployed through the designer (entities, DTDs, malformed, "
                               f"imports and dunders in scripts and conditions, an unknown operation, 17 MB): "
                               f"all refused, 0 versions stored")
