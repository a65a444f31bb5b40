"""The decision table a process calls, checked against its flow before a deploy: unknown input variables,
cells that are not expressions and unsupported hit policies are errors naming rule and column, all at once;
rules of a UNIQUE table that can both match are a warning that does not block the deploy."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import Bundle, DefinitionError, SourceFile, WorkflowEngine, decision_report

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "purchase_approval" / "purchase_approval.bpmn"


def _shipped() -> Bundle:
    return Bundle.from_path(PROCESS)


def _with_dmn(edit: dict[str, str]) -> Bundle:
    """The shipped process with its decision table's text edited (old -> new)."""
    base = _shipped()
    [dmn] = base.dmn
    text = dmn.content.decode("utf-8")
    for old, new in edit.items():
        assert old in text
        text = text.replace(old, new)
    return Bundle(base.bpmn, (SourceFile(dmn.name, text.encode("utf-8")),), base.forms)


def _messages(problems: list) -> list[str]:
    return [str(p) for p in problems]


def test_the_shipped_table_passes(wf_engine: WorkflowEngine) -> None:
    bundle = _shipped()
    report = decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms))
    assert (report.errors, report.warnings) == ([], [])
    assert [p.key for p in wf_engine.definitions.check(bundle)] == ["purchase_approval"]


def test_overlapping_rules_of_a_unique_table_are_a_warning_that_does_not_block(wf_engine: WorkflowEngine) -> None:
    bundle = _with_dmn({"<text>&lt; 5000</text>": "<text>&lt;= 6000</text>"})
    report = decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms))
    assert report.errors == []
    assert _messages(report.warnings) == [
        "approval_level.dmn:18 dmn:rule id='Rule_manager' decision 'approval_level': rules 1 and 2 can both "
        "match (input column 1 (Amount)): the hit policy is UNIQUE, so only rule 1 is used"]
    wf_engine.definitions.check(bundle)  # a warning is no reason to refuse


def test_equal_values_overlap_but_touching_open_ranges_do_not() -> None:
    touching = _with_dmn({"5000 &lt;= ? &lt;= 50000": "5000 &lt;= ? &lt; 50000",
                          "<text>&gt; 50000</text>": "<text>&gt;= 50000</text>"})
    assert decision_report(touching.bpmn, touching.dmn, dict(touching.forms)).warnings == []
    equal = _with_dmn({"<text>&lt; 5000</text>": "<text>4000</text>",
                       "5000 &lt;= ? &lt;= 50000": "[4000..50000]"})
    warned = _messages(decision_report(equal.bpmn, equal.dmn, dict(equal.forms)).warnings)
    assert [w.split("decision 'approval_level': ")[1][:28] for w in warned] == ["rules 1 and 2 can both match"]


def test_an_unknown_input_variable_and_a_broken_cell_are_reported_at_once_by_rule_and_column(
        wf_engine: WorkflowEngine) -> None:
    bundle = _with_dmn({"<text>amount</text>": "<text>amout</text>",
                        "<text>&gt; 50000</text>": "<text>&gt; limit</text>",
                        '<text>"manager_and_finance"</text>': "<text>manager and (</text>"})
    found = _messages(decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms)).errors)
    assert any("input column 1 (Amount) reads 'amout', which the flow does not set before task "
               "'Task_approval_level'" in p for p in found)
    assert any("rule 3, input column 1 (Amount) reads 'limit'" in p for p in found)
    assert any("rule 3, output column 1 (Approval level): 'manager and (' is not an expression" in p for p in found)
    with pytest.raises(DefinitionError) as caught:
        wf_engine.definitions.check(bundle)
    refused = _messages(caught.value.problems)
    assert all(p in refused for p in found), "the deploy refuses what the report names, all at once"


def test_a_dropped_output_the_flow_reads_is_an_error_of_the_table(wf_engine: WorkflowEngine) -> None:
    bundle = _with_dmn({'name="approval_level"': 'name="level"'})
    found = _messages(decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms), previous=_shipped().dmn).errors)
    assert any("the output 'approval_level' is gone, but the flow reads it after task 'Task_approval_level'"
               in p for p in found)
    with pytest.raises(DefinitionError) as caught:
        wf_engine.definitions.check(bundle)
    assert any("reads 'approval_level', which no earlier step sets" in p for p in _messages(caught.value.problems))


def test_an_unsupported_hit_policy_is_refused(wf_engine: WorkflowEngine) -> None:
    bundle = _with_dmn({'hitPolicy="UNIQUE"': 'hitPolicy="PRIORITY"'})
    with pytest.raises(DefinitionError) as caught:
        wf_engine.definitions.check(bundle)
    assert any("hit policy PRIORITY is not supported" in p for p in _messages(caught.value.problems))
