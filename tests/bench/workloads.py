"""BPMN workloads for the benchmarks: the small approval, a chain of N user tasks, a single timer wait."""
from __future__ import annotations

from pathlib import Path

from engine import Bundle
from engine.parser import SourceFile

HERE = Path(__file__).resolve().parent
APPROVAL = HERE / "approval.bpmn"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{key}"
    targetNamespace="http://opsflow.example/bench">
  <bpmn:process id="{key}" isExecutable="true">
    <bpmn:startEvent id="StartEvent"><bpmn:outgoing>F0</bpmn:outgoing></bpmn:startEvent>
"""
_TASK = """    <bpmn:userTask id="Step{i}" name="Step {i}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="candidate_group" value="&quot;approvers&quot;" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>F{i}</bpmn:incoming><bpmn:outgoing>F{n}</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F{i}" sourceRef="{src}" targetRef="Step{i}" />
"""
_TAIL = """    <bpmn:endEvent id="EndEvent"><bpmn:incoming>F{n}</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F{n}" sourceRef="Step{last}" targetRef="EndEvent" />
  </bpmn:process>
</bpmn:definitions>
"""


def chain_bpmn(n: int) -> tuple[str, str]:
    """A process of n sequential user tasks; returns (process key, XML)."""
    key = f"chain_{n}"
    parts = [_HEAD.format(key=key)]
    for i in range(n):
        src = "StartEvent" if i == 0 else f"Step{i - 1}"
        parts.append(_TASK.format(i=i, n=i + 1, src=src))  # F{i} enters Step{i}, F{i+1} leaves it
    parts.append(_TAIL.format(n=n, last=n - 1))
    return key, "".join(parts)


def write_chain(folder: Path, n: int) -> tuple[str, Path]:
    key, xml = chain_bpmn(n)
    path = folder / f"{key}.bpmn"
    path.write_text(xml, encoding="utf-8")
    return key, path


_TIMER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start" />
<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"{duration}"</bpmn:timeDuration>
</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="end" />
<bpmn:sequenceFlow id="a" sourceRef="start" targetRef="wait" />
<bpmn:sequenceFlow id="b" sourceRef="wait" targetRef="end" />
</bpmn:process></bpmn:definitions>"""


def timer_bundle(key: str, duration: str) -> Bundle:
    """start → wait `duration` (ISO 8601) → end: one timer job per instance and nothing else."""
    return Bundle(SourceFile(f"{key}.bpmn", _TIMER.format(key=key, duration=duration).encode()), (), ())
