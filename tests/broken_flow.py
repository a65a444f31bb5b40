"""A one-step flow whose script fails when `divisor` is 0: an instance in error, as a bug in a deployed flow makes."""
from __future__ import annotations


def broken_flow(key: str, step_id: str, step_name: str) -> str:
    """The BPMN of flow `key`: start, a script step dividing by `divisor`, end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_{key}"
                  targetNamespace="http://opsflow.example/bpmn">
  <bpmn:process id="{key}" name="{key.replace('_', ' ').capitalize()}" isExecutable="true">
    <bpmn:startEvent id="Start_{key}"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="{step_id}" name="{step_name}">
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
      <bpmn:script>result = 1 / divisor</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="End_{key}"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_{key}" targetRef="{step_id}" />
    <bpmn:sequenceFlow id="F2" sourceRef="{step_id}" targetRef="End_{key}" />
  </bpmn:process>
</bpmn:definitions>
"""
