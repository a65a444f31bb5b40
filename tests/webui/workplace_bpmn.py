"""A tiny process of the workplace tests' own: one review by IT managers that may be approved in bulk."""
from __future__ import annotations

from html import escape

from engine import Bundle
from engine.parser import SourceFile

FORM = {"fields": [{"name": "decision", "type": "choice", "required": True, "choices": ["approve", "reject"]},
                   {"name": "comment", "type": "text"}]}

XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_quick" targetNamespace="http://t">
<bpmn:process id="quick_review" name="Quick review" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:userTask id="review" name="Review">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="candidate_group" value="&quot;IT-managers&quot;" />
      <spiffworkflow:property name="title" value="&quot;Quick &quot; + item" />
      <spiffworkflow:property name="form" value="review" />
      <spiffworkflow:property name="bulk_approve" value="true" />
      <spiffworkflow:property name="priority" value="urgent" />
      <spiffworkflow:property name="due_in" value="PT2H" />
    </spiffworkflow:properties>{post_script}</bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
</bpmn:process>
</bpmn:definitions>
"""


def quick_review(post_script: str = "") -> Bundle:
    """`post_script`: Python the review runs when it is completed."""
    script = f"<spiffworkflow:postScript>{escape(post_script)}</spiffworkflow:postScript>" if post_script else ""
    return Bundle(SourceFile("quick_review.bpmn", XML.format(post_script=script).encode()), (), (("review", FORM),))
