"""Deploying process definitions: versions, hostile uploads, and decision tables.

A changed file becomes a new version and running instances stay on theirs; an upload that is
not plain XML (DOCTYPE, entities) is refused before anything parses it, and nothing is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tiny_bpmn import bundle, linear, script, service, user, write

from engine import Actor, Bundle, DefinitionError, ProcessDefinition, ServiceRegistry, WorkflowEngine, definitions
from engine.parser import MAX_XML_BYTES, SourceFile, parse_dmn

REPO = Path(__file__).resolve().parents[2]
REQUESTER = Actor("rita", groups=frozenset({"requesters"}))
APPROVER = Actor("alan", groups=frozenset({"approvers"}))


def _versioned(n: int) -> str:
    return linear("versioned", script("mark", f"version_seen = {n}"), user("review", "approvers"),
                  script("after", f"after = 'v{n}'"))


def _stored(db: Engine) -> int:
    with Session(db) as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_changed_file_is_a_new_version_and_running_instances_stay_on_theirs(
        tmp_path: Path, wf_engine: WorkflowEngine, new_engine) -> None:
    path = write(tmp_path, "versioned", _versioned(1))
    assert [(r.version, r.created) for r in wf_engine.deploy_path(path)] == [(1, True)]
    old = wf_engine.start("versioned", {}, REQUESTER)
    assert (old.version, old.data["version_seen"]) == (1, 1)

    assert [(r.version, r.created) for r in wf_engine.deploy_path(path)] == [(1, False)], "unchanged: no version"
    path.write_text(_versioned(2), encoding="utf-8")
    assert [(r.version, r.created) for r in wf_engine.deploy_path(path)] == [(2, True)]
    assert [(p.key, p.version) for p in wf_engine.processes()] == [("versioned", 2)]

    new = wf_engine.start("versioned", {}, REQUESTER)
    assert (new.version, new.data["version_seen"]) == (2, 2)
    task = next(t for t in old.tasks if t.status == "open")
    finished = new_engine().complete(task.id, APPROVER, {})
    assert (finished.status, finished.version, finished.data["after"]) == ("completed", 1, "v1")


def test_processes_folder_deploys(wf_engine: WorkflowEngine) -> None:
    results = wf_engine.deploy_path(REPO / "processes")
    assert ("purchase_approval", 1, True) in [(r.key, r.version, r.created) for r in results]
    assert wf_engine.form("purchase_approval", "approval")["fields"][0]["name"] == "decision"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
 <bpmn:process id="laughs" isExecutable="true"><bpmn:documentation>&lol9;</bpmn:documentation>
 <bpmn:startEvent id="start" /></bpmn:process></bpmn:definitions>"""

EXTERNAL_ENTITY = linear("xxe", script("leak", "secret = '&xxe;'")).replace(
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n').encode()


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused_and_nothing_is_stored(wf_engine: WorkflowEngine, db: Engine, content: bytes) -> None:
    with pytest.raises(DefinitionError) as info:
        wf_engine.deploy_bundle(Bundle(SourceFile("upload.bpmn", content)))
    assert "DOCTYPE" in info.value.message
    assert "root:" not in info.value.message
    assert _stored(db) == 0


def test_hostile_dmn_beside_a_good_bpmn_is_refused(wf_engine: WorkflowEngine, db: Engine) -> None:
    good = linear("fine", user("review", "approvers")).encode()
    with pytest.raises(DefinitionError) as info:
        wf_engine.deploy_bundle(Bundle(SourceFile("fine.bpmn", good), (SourceFile("rules.dmn", BILLION_LAUGHS),)))
    assert info.value.problems[0].source == "rules.dmn"
    assert _stored(db) == 0


def test_malformed_and_oversized_xml_are_refused_with_where(wf_engine: WorkflowEngine) -> None:
    with pytest.raises(DefinitionError) as info:
        wf_engine.deploy_bundle(Bundle(SourceFile("broken.bpmn", b'<definitions xmlns="x">\n<oops></definitions>')))
    assert "not well-formed" in info.value.message and info.value.problems[0].line == 2
    with pytest.raises(DefinitionError, match="larger than"):
        wf_engine.deploy_bundle(Bundle(SourceFile("huge.bpmn", b" " * (MAX_XML_BYTES + 1))))


def test_form_that_is_not_json_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "formed", linear("formed", user("review", "approvers", form="review")))
    (path.parent / "forms").mkdir()
    (path.parent / "forms" / "review.json").write_text('{"fields": [', encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        Bundle.from_path(path)
    assert info.value.problems[0].source.endswith("review.json")


TWO_DECISIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="orders" name="Orders" namespace="x">
  <decision id="discount" name="Discount">
    <decisionTable id="discount_table">
      <input id="amount_in" label="Amount"><inputExpression id="amount_expr" typeRef="number">
        <text>amount</text></inputExpression></input>
      <output id="discount_out" name="discount" typeRef="number" />
      <rule id="big"><inputEntry id="big_in"><text>&gt;= 100</text></inputEntry>
        <outputEntry id="big_out"><text>10</text></outputEntry></rule>
      <rule id="small"><inputEntry id="small_in"><text>&lt; 100</text></inputEntry>
        <outputEntry id="small_out"><text>0</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="shipping" name="Shipping">
    <decisionTable id="shipping_table" hitPolicy="FIRST">
      <input id="country_in" label="Country"><inputExpression id="country_expr" typeRef="string">
        <text>country</text></inputExpression></input>
      <output id="shipping_out" name="shipping" typeRef="string" />
      <rule id="eu"><inputEntry id="eu_in"><text>"DE"</text></inputEntry>
        <outputEntry id="eu_out"><text>"standard"</text></outputEntry></rule>
      <rule id="world"><inputEntry id="world_in"><text>-</text></inputEntry>
        <outputEntry id="world_out"><text>"express"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""

RULE_TASK = ('<bpmn:businessRuleTask id="decide"><bpmn:extensionElements><spiffworkflow:calledDecisionId>'
             '{decision}</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>')


def test_every_decision_of_a_dmn_file_is_callable(wf_engine: WorkflowEngine) -> None:
    assert parse_dmn(SourceFile("orders.dmn", TWO_DECISIONS)) == ["discount", "shipping"]
    for decision in ("discount", "shipping"):
        xml = linear(f"uses_{decision}", RULE_TASK.format(decision=decision), user("review", "approvers"))
        wf_engine.deploy_bundle(Bundle(SourceFile(f"{decision}.bpmn", xml.encode()),
                                       (SourceFile("orders.dmn", TWO_DECISIONS),)))
    assert wf_engine.start("uses_discount", {"amount": 150}, REQUESTER).data["discount"] == 10
    assert wf_engine.start("uses_shipping", {"country": "FR"}, REQUESTER).data["shipping"] == "express"


@pytest.mark.parametrize("change, element, words", [
    (b'hitPolicy="FIRST"', b'hitPolicy="PRIORITY"', ("dmn:decisionTable", "PRIORITY")),
    (b'<decision id="shipping"', b'<decision id="discount"', ("dmn:decision", "twice")),
    (b'<decisionTable id="shipping_table" hitPolicy="FIRST">',
     b'<informationRequirement><requiredDecision href="#discount" /></informationRequirement>'
     b'<decisionTable id="shipping_table">', ("dmn:decision", "#discount")),
])
def test_dmn_features_the_engine_cannot_evaluate_are_refused(change: bytes, element: bytes, words: tuple) -> None:
    with pytest.raises(DefinitionError) as info:
        parse_dmn(SourceFile("orders.dmn", TWO_DECISIONS.replace(change, element)))
    problem = info.value.problems[0]
    assert problem.element == words[0] and words[1] in problem.message
    assert problem.source == "orders.dmn"


def test_same_decision_in_two_files_of_a_bundle_is_refused(wf_engine: WorkflowEngine) -> None:
    xml = linear("twice", RULE_TASK.format(decision="discount")).encode()
    dmn = (SourceFile("a.dmn", TWO_DECISIONS), SourceFile("b.dmn", TWO_DECISIONS))
    with pytest.raises(DefinitionError) as info:
        wf_engine.deploy_bundle(Bundle(SourceFile("twice.bpmn", xml), dmn))
    assert info.value.problems[0].element_id == "discount" and "a.dmn" in info.value.message


def test_missing_decision_names_the_business_rule_task(wf_engine: WorkflowEngine) -> None:
    xml = linear("nodecision", RULE_TASK.format(decision="nowhere")).encode()
    with pytest.raises(DefinitionError) as info:
        wf_engine.deploy_bundle(Bundle(SourceFile("nodecision.bpmn", xml), (SourceFile("o.dmn", TWO_DECISIONS),)))
    problem = info.value.problems[0]
    assert (problem.element, problem.element_id) == ("bpmn:businessRuleTask", "decide")
    assert "nowhere" in problem.message


def test_bundle_checksum_covers_every_part() -> None:
    xml = linear("sum", user("review", "approvers"))
    base = bundle(xml)
    assert base.checksum() == bundle(xml).checksum()
    assert base.checksum() != bundle(xml, forms={"review": {"fields": []}}).checksum()
    assert base.checksum() != Bundle(base.bpmn, (SourceFile("x.dmn", TWO_DECISIONS),)).checksum()


def test_a_bundle_that_passed_is_not_parsed_again_unless_it_or_the_operations_change(
        db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    parses: list[str] = []
    real_parse = definitions.parse_bundle
    monkeypatch.setattr(definitions, "parse_bundle",
                        lambda bpmn, dmn: parses.append(bpmn.name) or real_parse(bpmn, dmn))

    @dataclass(frozen=True)
    class Note:
        text: str

    registry = ServiceRegistry()
    registry.register("notes.write_note", lambda call, params: {}, Note)
    xml = linear("noted", service("write", "notes.write_note", {"text": "'hello'"}))
    first, second = WorkflowEngine(db, registry), WorkflowEngine(db, registry)
    assert [p.key for p in first.definitions.check(bundle(xml, "noted.bpmn"))] == ["noted"]
    assert [p.key for p in second.definitions.check(bundle(xml, "noted.bpmn"))] == ["noted"]
    assert parses == ["noted.bpmn"], "the same files against the same operations: parsed once"

    second.definitions.check(bundle(xml.replace("hello", "hi"), "noted.bpmn"))
    assert parses == ["noted.bpmn"] * 2, "changed content is parsed and checked again"
    with pytest.raises(DefinitionError) as refused:  # the same files, but the operation is gone
        WorkflowEngine(db, ServiceRegistry()).definitions.check(bundle(xml, "noted.bpmn"))
    assert "unknown service operation 'notes.write_note'" in str(refused.value)
