"""Diff of two known versions: the added, removed and changed elements, the properties changed, the XML."""
from __future__ import annotations

from pathlib import Path

from engine import diff_versions

V1 = (Path(__file__).resolve().parents[2] / "processes" / "purchase_approval" / "purchase_approval.bpmn").read_text(
    encoding="utf-8")


def _cut(xml: str, start: str, end: str) -> str:
    at = xml.index(start)
    return xml[:at] + xml[xml.index(end, at) + len(end):]


def _v2() -> str:
    """Manager's due time 2 → 1 day; the rejection record gone (rejections end at once); a step telling the
    requester added before the approved end. A version the engine deploys."""
    xml = V1.replace('<spiffworkflow:property name="due_in" value="P2D" />',
                     '<spiffworkflow:property name="due_in" value="P1D" />', 1)
    xml = _cut(xml, '<bpmn:scriptTask id="Task_record_rejection"', "</bpmn:scriptTask>")
    xml = _cut(xml, '<bpmn:sequenceFlow id="Flow_to_rejected"', "/>")
    xml = _cut(xml, '<bpmndi:BPMNEdge id="Flow_to_rejected_di"', "</bpmndi:BPMNEdge>")
    xml = _cut(xml, '<bpmndi:BPMNShape id="Task_record_rejection_di"', "</bpmndi:BPMNShape>")
    xml = xml.replace("<bpmn:flowNodeRef>Task_record_rejection</bpmn:flowNodeRef>",
                      "<bpmn:flowNodeRef>Task_notify</bpmn:flowNodeRef>")
    xml = xml.replace('targetRef="Task_record_rejection"', 'targetRef="End_rejected"')
    xml = xml.replace("<bpmn:incoming>Flow_to_rejected</bpmn:incoming>",
                      "<bpmn:incoming>Flow_manager_rejected</bpmn:incoming>"
                      "<bpmn:incoming>Flow_finance_rejected</bpmn:incoming>")
    xml = xml.replace('sourceRef="Task_request_payment" targetRef="End_approved" />',
                      'sourceRef="Task_request_payment" targetRef="Task_notify" />'
                      '<bpmn:sequenceFlow id="Flow_notified" sourceRef="Task_notify" targetRef="End_approved" />')
    xml = xml.replace('<bpmn:incoming>Flow_to_approved</bpmn:incoming>\n    </bpmn:endEvent>',
                      '<bpmn:incoming>Flow_notified</bpmn:incoming>\n    </bpmn:endEvent>')
    xml = xml.replace('<bpmn:endEvent id="End_approved" name="Purchase approved">',
                      '<bpmn:manualTask id="Task_notify" name="Tell the requester"><bpmn:incoming>Flow_to_approved'
                      '</bpmn:incoming><bpmn:outgoing>Flow_notified</bpmn:outgoing></bpmn:manualTask>\n'
                      '    <bpmn:endEvent id="End_approved" name="Purchase approved">')
    return xml.replace('<bpmndi:BPMNShape id="End_approved_di"',
                       '<bpmndi:BPMNShape id="Task_notify_di" bpmnElement="Task_notify"><dc:Bounds x="1240" y="20" '
                       'width="100" height="60" /></bpmndi:BPMNShape><bpmndi:BPMNShape id="End_approved_di"')


def test_the_diff_names_what_was_added_removed_and_changed() -> None:
    diff = diff_versions(V1, _v2(), labels=("v1", "v2"))
    assert [e.element_id for e in diff.added] == ["Flow_notified", "Task_notify"]
    assert diff.added[1].kind == "bpmn:manualTask" and diff.added[1].name == "Tell the requester"
    assert [e.element_id for e in diff.removed] == ["Flow_to_rejected", "Task_record_rejection"]
    [manager] = [e for e in diff.changed if e.element_id == "Task_manager_approval"]
    assert [(c.name, c.old, c.new) for c in manager.changes] == [("property due_in", "P2D", "P1D")]
    assert "-          <spiffworkflow:property name=\"due_in\" value=\"P2D\" />" in diff.xml_diff
    assert diff.xml_diff.startswith("--- v1\n+++ v2")
    [rejected] = [e for e in diff.changed if e.element_id == "Flow_manager_rejected"]
    assert [(c.name, c.old, c.new) for c in rejected.changes] == [
        ("@targetRef", "Task_record_rejection", "End_rejected")]
    assert not diff.empty


def test_moving_boxes_is_no_change() -> None:
    moved = V1.replace('<dc:Bounds x="', '<dc:Bounds x="1', 3)
    assert moved != V1
    assert diff_versions(V1, moved).empty
