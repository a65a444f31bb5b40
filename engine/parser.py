"""Loading BPMN and DMN into SpiffWorkflow specs, safely and completely.

Uploaded XML goes through a hardened lxml parser (no DTD, no entities, no
network) before SpiffWorkflow sees it. A file that SpiffWorkflow would load
while silently dropping part of the model is rejected by `validation`, with
the element named, so nothing ever runs with a piece missing.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .dmn_validation import dmn_decisions, dmn_problems
from .errors import DefinitionError, Problem
from .scripting import ServiceTask
from .specs import ProcessSpecs
from .validation import (
    BPMN_NS,
    element_name,
    is_executable,
    loaded_processes,
    locate,
    parsed_problems,
    static_problems,
)

MAX_XML_BYTES = 5 * 1024 * 1024
# A DOCTYPE can only come in the prolog: after the XML declaration, comments and processing instructions.
_DOCTYPE = re.compile(rb"(?:\xef\xbb\xbf)?\s*+"
                      rb"(?:<\?(?:[^?]|\?(?!>))*+\?>\s*+|<!--(?:[^-]|-(?!->))*+-->\s*+)*+<!DOCTYPE")


@dataclass(frozen=True)
class SourceFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class ParsedProcess:
    key: str
    name: str
    specs: ProcessSpecs
    operations: dict[str, str] = field(default_factory=dict)  # task id -> operation name
    forms: dict[str, str] = field(default_factory=dict)  # user task id -> the form it names


class OpsFlowBpmnParser(SpiffBpmnParser):
    """Spiff's parser with OpsFlow's service task, whose operation may answer later (`services.Waiting`)."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full_tag("serviceTask")][0], ServiceTask),
    }


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False,
    )


def load_xml(source: SourceFile) -> etree._ElementTree:
    """Parse untrusted XML; refuse DOCTYPEs outright rather than half-trusting them."""
    if len(source.content) > MAX_XML_BYTES:
        raise DefinitionError([Problem(f"file is larger than {MAX_XML_BYTES} bytes", source=source.name)])
    if _DOCTYPE.match(source.content):
        raise DefinitionError([Problem("DOCTYPE declarations are not allowed", line=1, source=source.name)])
    try:
        tree = etree.ElementTree(etree.fromstring(source.content, _hardened_parser()))
    except etree.XMLSyntaxError as exc:
        raise DefinitionError([Problem(f"not well-formed XML: {exc.msg}", line=exc.lineno,
                                       source=source.name)]) from exc
    if tree.docinfo.doctype:
        raise DefinitionError([Problem("DOCTYPE declarations are not allowed", source=source.name)])
    return tree


_ELEMENT_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-fA-F]+>")
_DMN_TABLE_PARTS = {"decisionTable", "input", "output", "rule", "inputEntry", "outputEntry"}


def _clean_message(text: str, tag: str | None) -> str:
    """SpiffWorkflow's messages, minus the Python reprs and XML dumps a designer cannot act on."""
    if "raise_validation_exception() got an unexpected keyword argument" in text:
        return "the event refers to a message, signal, error or escalation that is not defined in this file"
    text = _ELEMENT_REPR.sub(lambda m: m.group(1), text)
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    text = re.sub(r"b'<.*", "(XML omitted)", text, flags=re.S)
    if text.rstrip(". ").endswith("for tasks of type") and tag:
        text = f"{text.rstrip('. ')} {tag}; add a gateway to split the flow"
    return text[:500]


def _element_in_traceback(exc: BaseException) -> etree._Element | None:
    """The innermost XML element SpiffWorkflow was working on when it failed, if any."""
    tb, frames = exc.__traceback__, []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for name in ("node", "element", "self"):
            value = frame.f_locals.get(name)
            value = getattr(value, "node", None) if name == "self" else value
            if isinstance(value, etree._Element) and isinstance(value.tag, str) and value.get("id"):
                return value
    return None


def _problem_from_exception(exc: BaseException, tree: etree._ElementTree, source: str,
                            fallback: etree._Element) -> Problem:
    """Name the element for any SpiffWorkflow failure: its own, the one it was parsing, or the file's root."""
    tag = element_id = None
    if isinstance(exc, ValidationException):
        tag, element_id = exc.tag or None, exc.id or None
        text = str(exc.args[0]) if exc.args else str(exc)
    else:
        text = f"cannot be loaded: {type(exc).__name__}: {exc}"
    if not element_id:
        el = _element_in_traceback(exc)
        el = el if el is not None else fallback
        tag, element_id = element_name(el), el.get("id")
    element, line = locate(tree, element_id)
    return Problem(_clean_message(text, tag or element), element=tag or element, element_id=element_id,
                   line=line, source=source)


def _no_executable_process(tree: etree._ElementTree, source: str) -> DefinitionError:
    processes = list(tree.getroot().iter(f"{{{BPMN_NS}}}process"))
    if not processes:
        root = tree.getroot()
        return DefinitionError([Problem("no executable process: the file defines no bpmn:process",
                                        element=element_name(root), element_id=root.get("id"),
                                        line=root.sourceline, source=source)])
    return DefinitionError([
        Problem("no executable process: this process is not executable (isExecutable=\"false\")",
                element="bpmn:process", element_id=p.get("id"), line=p.sourceline, source=source)
        for p in processes])


def _decision_parts(root: etree._Element) -> list[etree._Element]:
    """One DMN document per decision: SpiffWorkflow reads only the first decision of a document.

    DMN 1.1 makes ids optional on the parts of a table and SpiffWorkflow needs them, so missing
    ones are filled in (they are labels only; nothing refers to them).
    """
    for n, el in enumerate(root.iter()):
        if isinstance(el.tag, str) and etree.QName(el).localname in _DMN_TABLE_PARTS and not el.get("id"):
            el.set("id", f"{etree.QName(el).localname}_{n}")
    decisions = dmn_decisions(root)
    if len(decisions) == 1:
        return [root]
    parts = []
    for keep in decisions:
        part = copy.deepcopy(root)
        for other in dmn_decisions(part):
            if other.get("id") != keep.get("id"):
                part.remove(other)
        parts.append(part)
    return parts


def _add_dmn(parser: SpiffBpmnParser, source: SourceFile, tree: etree._ElementTree) -> list[str]:
    """Parse every decision now (SpiffWorkflow would wait for a task to need it) and register it."""
    problems = dmn_problems(tree, source.name)
    if problems:
        raise DefinitionError(problems)
    ids = []
    for part in _decision_parts(tree.getroot()):
        decision = dmn_decisions(part)[0]
        did = decision.get("id")
        if did in parser.dmn_parsers:
            raise DefinitionError([Problem(f"decision id {did!r} is also defined in "
                                           f"{parser.dmn_parsers[did].filename}", element="dmn:decision",
                                           element_id=did, line=decision.sourceline, source=source.name)])
        try:
            parser.add_dmn_xml(part, filename=source.name)
            parser.dmn_parsers[did].parse()
        except Exception as exc:  # DMNParser raises KeyError/AttributeError on odd files
            raise DefinitionError([_problem_from_exception(exc, tree, source.name, decision)]) from exc
        ids.append(did)
    return ids


_SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def called_decisions(bpmn: SourceFile) -> set[str]:
    """The decision ids a BPMN file's business rule tasks call; empty when the file cannot be read
    (parsing it again reports why)."""
    try:
        root = load_xml(bpmn).getroot()
    except DefinitionError:
        return set()
    return {(el.text or "").strip() for el in root.iter(f"{{{_SPIFF_NS}}}calledDecisionId")} - {""}


def decision_ids(source: SourceFile) -> set[str]:
    """The decision ids a DMN file defines, read without checking the tables."""
    return {d.get("id") for d in dmn_decisions(load_xml(source).getroot())}


def parse_dmn(source: SourceFile) -> list[str]:
    """Check a DMN file on its own (`opsflow validate x.dmn`); return its decision ids."""
    return _add_dmn(OpsFlowBpmnParser(), source, load_xml(source))


def parse_bundle(bpmn: SourceFile, dmn: list[SourceFile] | tuple = ()) -> list[ParsedProcess]:
    """Parse one BPMN file (with the DMN files beside it) into one spec per executable process."""
    tree = load_xml(bpmn)
    if not loaded_processes(tree.getroot()):
        raise _no_executable_process(tree, bpmn.name)
    problems = static_problems(tree, bpmn.name)
    dmn_trees = [(d, load_xml(d)) for d in dmn]
    if problems:
        raise DefinitionError(problems)
    parser = OpsFlowBpmnParser()
    for d, dtree in dmn_trees:
        _add_dmn(parser, d, dtree)
    try:
        parser.add_bpmn_xml(tree.getroot(), filename=bpmn.name)
        results = []
        for process in tree.getroot().iter(f"{{{BPMN_NS}}}process"):
            if not is_executable(process):
                continue
            key = process.get("id")
            specs = ProcessSpecs(parser.get_spec(key), parser.get_subprocess_specs(key))
            results.append(ParsedProcess(key=key, name=process.get("name") or key, specs=specs,
                                         operations=_operations(specs), forms=_forms(specs)))
    except Exception as exc:  # SpiffWorkflow raises ValidationException, but also KeyError/TypeError/...
        raise DefinitionError([_problem_from_exception(exc, tree, bpmn.name, tree.getroot())]) from exc
    problems = [p for r in results for p in parsed_problems(tree, r.specs, bpmn.name)]
    if problems:
        raise DefinitionError(problems)
    return results


def _task_specs(specs: ProcessSpecs) -> list[Any]:
    return [t for spec in [specs.spec, *specs.subprocess_specs.values()] if spec is not None
            for t in spec.task_specs.values()]


def _operations(specs: ProcessSpecs) -> dict[str, str]:
    return {t.bpmn_id or t.name: t.operation_name for t in _task_specs(specs) if getattr(t, "operation_name", None)}


def _forms(specs: ProcessSpecs) -> dict[str, str]:
    forms = {}
    for task in _task_specs(specs):
        form = ((getattr(task, "extensions", None) or {}).get("properties") or {}).get("form")
        if form and task.manual:
            forms[task.bpmn_id or task.name] = form
    return forms
