"""Loading BPMN and DMN into SpiffWorkflow specs, safely and completely.

Uploaded XML goes through a hardened lxml parser (no DTD, no entities, no
network) before SpiffWorkflow sees it. A file that SpiffWorkflow would load
while silently dropping part of the model is rejected by `validation`, with
the element named, so nothing ever runs with a piece missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .errors import DefinitionError, Problem
from .specs import ProcessSpecs
from .validation import BPMN_NS, locate, parsed_problems, static_problems

MAX_XML_BYTES = 5 * 1024 * 1024


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


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False,
    )


def load_xml(source: SourceFile) -> etree._ElementTree:
    """Parse untrusted XML; refuse DOCTYPEs outright rather than half-trusting them."""
    if len(source.content) > MAX_XML_BYTES:
        raise DefinitionError([Problem(f"file is larger than {MAX_XML_BYTES} bytes", source=source.name)])
    try:
        tree = etree.ElementTree(etree.fromstring(source.content, _hardened_parser()))
    except etree.XMLSyntaxError as exc:
        raise DefinitionError([Problem(f"not well-formed XML: {exc.msg}", line=exc.lineno,
                                       source=source.name)]) from exc
    if tree.docinfo.doctype:
        raise DefinitionError([Problem("DOCTYPE declarations are not allowed", source=source.name)])
    return tree


def _problem_from_validation(exc: ValidationException, tree: etree._ElementTree, source: str) -> Problem:
    element, line = locate(tree, exc.id or None)
    return Problem(str(exc.args[0]) if exc.args else str(exc), element=exc.tag or element,
                   element_id=exc.id or None, line=line or None, source=source)


def parse_bundle(bpmn: SourceFile, dmn: list[SourceFile] | tuple = ()) -> list[ParsedProcess]:
    """Parse one BPMN file (with the DMN files beside it) into one spec per executable process."""
    tree = load_xml(bpmn)
    problems = static_problems(tree, bpmn.name)
    dmn_trees = [(d, load_xml(d)) for d in dmn]
    if problems:
        raise DefinitionError(problems)
    parser = SpiffBpmnParser()
    try:
        for d, dtree in dmn_trees:
            parser.add_dmn_xml(dtree.getroot(), filename=d.name)
        parser.add_bpmn_xml(tree.getroot(), filename=bpmn.name)
        results = []
        for process in tree.getroot().iter(f"{{{BPMN_NS}}}process"):
            if process.get("isExecutable", "true").lower() != "true":
                continue
            key = process.get("id")
            specs = ProcessSpecs(parser.get_spec(key), parser.get_subprocess_specs(key))
            results.append(ParsedProcess(key=key, name=process.get("name") or key, specs=specs,
                                         operations=_operations(specs)))
    except ValidationException as exc:
        raise DefinitionError([_problem_from_validation(exc, tree, bpmn.name)]) from exc
    except DefinitionError:
        raise
    except Exception as exc:  # SpiffWorkflow raises KeyError/AttributeError/TypeError on odd files
        raise DefinitionError([Problem(f"cannot be loaded: {type(exc).__name__}: {exc}",
                                       source=bpmn.name)]) from exc
    if not results:
        raise DefinitionError([Problem("no executable process (isExecutable=\"true\")", element="bpmn:process",
                                       source=bpmn.name)])
    problems = [p for r in results for p in parsed_problems(tree, r.specs, bpmn.name)]
    if problems:
        raise DefinitionError(problems)
    return results


def _operations(specs: ProcessSpecs) -> dict[str, str]:
    ops: dict[str, str] = {}
    for spec in [specs.spec, *specs.subprocess_specs.values()]:
        if spec is None:
            continue
        for task_spec in spec.task_specs.values():
            name = getattr(task_spec, "operation_name", None)
            if name:
                ops[task_spec.bpmn_id or task_spec.name] = name
    return ops
