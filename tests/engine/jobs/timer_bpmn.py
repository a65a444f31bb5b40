"""BPMN with timers, written out in full so each test shows the model it runs."""
from __future__ import annotations

from html import escape

from tiny_bpmn import HEAD, user


def _timer(kind: str, value: str) -> str:
    return (f'<bpmn:timerEventDefinition><bpmn:{kind}>{escape(value)}</bpmn:{kind}>'
            '</bpmn:timerEventDefinition>')


def _flows(*pairs: tuple[str, str]) -> str:
    return "\n".join(f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}" />' for a, b in pairs)


def _process(key: str, body: str) -> str:
    return (HEAD.format(key=key) + f'<bpmn:process id="{key}" name="{key}" isExecutable="true">\n'
            + body + "\n</bpmn:process>\n</bpmn:definitions>\n")


def intermediate(key: str, kind: str, value: str) -> str:
    """start -> wait (timer) -> end."""
    return _process(key, f'<bpmn:startEvent id="start" />'
                         f'<bpmn:intermediateCatchEvent id="wait">{_timer(kind, value)}</bpmn:intermediateCatchEvent>'
                         f'<bpmn:endEvent id="end" />' + _flows(("start", "wait"), ("wait", "end")))


def timer_start(key: str, kind: str, value: str) -> str:
    """A flow that begins when its start timer fires, then asks the clerks."""
    return _process(key, f'<bpmn:startEvent id="start">{_timer(kind, value)}</bpmn:startEvent>'
                         + user("review", "clerks") + '<bpmn:endEvent id="end" />'
                         + _flows(("start", "review"), ("review", "end")))


def boundary(key: str, value: str, *, interrupting: bool, kind: str = "timeDuration") -> str:
    """A user task with a boundary timer: interrupting escalates instead, non-interrupting also reminds."""
    cancel = "true" if interrupting else "false"
    return _process(key, '<bpmn:startEvent id="start" />' + user("approve", "clerks")
                    + f'<bpmn:boundaryEvent id="late" attachedToRef="approve" cancelActivity="{cancel}">'
                      f'{_timer(kind, value)}</bpmn:boundaryEvent>'
                    + user("escalated", "managers") + '<bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />'
                    + _flows(("start", "approve"), ("approve", "end"), ("late", "escalated"),
                             ("escalated", "end2")))
