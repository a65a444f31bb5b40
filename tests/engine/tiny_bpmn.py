"""Small BPMN files written by the tests themselves, so each test shows the whole model it runs.

`linear` chains the given steps between a start and an end event; the step helpers write the
XML of one task each, with the spiffworkflow extensions the engine reads.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

from engine import Bundle
from engine.parser import SourceFile

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'id="Definitions_{key}" targetNamespace="http://opsflow.example/test">\n')


def linear(key: str, *steps: str, name: str | None = None) -> str:
    """A process `key`: start -> steps in order -> end."""
    ids = ["start", *(re.search(r'\bid="([^"]+)"', s).group(1) for s in steps), "end"]
    flows = "\n".join(f'<bpmn:sequenceFlow id="flow_{i}" sourceRef="{a}" targetRef="{b}" />'
                      for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    body = "\n".join(['<bpmn:startEvent id="start" />', *steps, '<bpmn:endEvent id="end" />', flows])
    return (HEAD.format(key=key) + f'<bpmn:process id="{key}" name="{escape(name or key)}" isExecutable="true">\n'
            + body + "\n</bpmn:process>\n</bpmn:definitions>\n")


def script(task_id: str, source: str) -> str:
    return f'<bpmn:scriptTask id="{task_id}"><bpmn:script>{escape(source)}</bpmn:script></bpmn:scriptTask>'


def user(task_id: str, group: str, *, form: str | None = None, exclude_requester: bool = False,
         due_in: str | None = None, title: str | None = None, post_script: str | None = None,
         four_eyes: bool = False) -> str:
    props = {"candidate_group": repr(group), "form": form, "due_in": due_in, "title": title,
             "exclude_requester": "true" if exclude_requester else None, "four_eyes": "true" if four_eyes else None}
    xml = "".join(f'<spiffworkflow:property name="{k}" value="{escape(v)}" />' for k, v in props.items() if v)
    post = f"<spiffworkflow:postScript>{escape(post_script)}</spiffworkflow:postScript>" if post_script else ""
    return (f'<bpmn:userTask id="{task_id}" name="{task_id}"><bpmn:extensionElements><spiffworkflow:properties>'
            f'{xml}</spiffworkflow:properties>{post}</bpmn:extensionElements></bpmn:userTask>')


def service(task_id: str, operation: str, params: dict[str, str], result: str = "result") -> str:
    xml = "".join(f'<spiffworkflow:parameter id="{k}" type="any" value="{escape(v)}" />' for k, v in params.items())
    return (f'<bpmn:serviceTask id="{task_id}"><bpmn:extensionElements>'
            f'<spiffworkflow:serviceTaskOperator id="{operation}" resultVariable="{result}">'
            f'<spiffworkflow:parameters>{xml}</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
            f'</bpmn:extensionElements></bpmn:serviceTask>')


def bundle(xml: str, name: str = "test.bpmn", forms: dict | None = None) -> Bundle:
    return Bundle(SourceFile(name, xml.encode()), (), tuple((forms or {}).items()))


def write(folder: Path, key: str, xml: str) -> Path:
    """Write `<folder>/<key>/<key>.bpmn` as a process folder would hold it; return the file."""
    path = folder / key / f"{key}.bpmn"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(xml, encoding="utf-8")
    return path
