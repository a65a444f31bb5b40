"""What changed between two deployed versions of a process: elements added, removed and changed.

A designer asks "what did v3 change?" before migrating instances or reading the monitor's
version comparison. The diff is by element id (what bpmn-js keeps across edits): an element in
one version only is added or removed; one in both is changed when any property OpsFlow runs on
differs — its name, type, attributes, the spiffworkflow properties, scripts, conditions, the
service operation and its parameters, the decision it calls, timer values. The layout (BPMN DI)
is left out: moving a box changes nothing that runs. The XML diff beside it is a unified diff of
the two files as deployed.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from lxml import etree

from .validation import BPMN_NS, SPIFF_NS

_B, _S = f"{{{BPMN_NS}}}", f"{{{SPIFF_NS}}}"
_SKIP = {"incoming", "outgoing", "flowNodeRef", "extensionElements", "laneSet", "documentation"}


@dataclass(frozen=True)
class PropertyChange:
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ElementChange:
    element_id: str
    kind: str  # bpmn:userTask, bpmn:sequenceFlow, ...
    name: str
    changes: tuple[PropertyChange, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    xml_diff: str = ""
    forms_changed: list[str] = field(default_factory=list)
    decisions_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.forms_changed or self.decisions_changed)


def _root(xml: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)
    return etree.fromstring(xml.encode("utf-8"), parser)


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _properties(el: etree._Element) -> dict[str, str]:
    """Everything of one element that OpsFlow runs on, as flat name → text."""
    props = {f"@{k}": v for k, v in el.attrib.items() if not k.startswith("{")}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if child.tag.startswith(_B) and local not in _SKIP and not child.get("id"):
            props[local] = _text(child) or etree.tostring(child, encoding="unicode")
        elif child.tag.startswith(_B) and local.endswith("EventDefinition"):
            props[local] = " ".join(f"{etree.QName(c).localname}={_text(c)}" for c in child if isinstance(c.tag, str))
    ext = el.find(f"{_B}extensionElements")
    for item in ext.iter() if ext is not None else ():
        if not isinstance(item.tag, str) or not item.tag.startswith(_S):
            continue
        local = etree.QName(item).localname
        if local == "property":
            props[f"property {item.get('name')}"] = item.get("value") or ""
        elif local == "parameter":
            props[f"parameter {item.get('id')}"] = item.get("value") or ""
        elif local == "serviceTaskOperator":
            props["operation"] = item.get("id") or ""
            props["result variable"] = item.get("resultVariable") or ""
        elif local in ("preScript", "postScript", "calledDecisionId", "instructionsForEndUser"):
            props[local] = item.text or ""
    return props


def _elements(root: etree._Element) -> dict[str, etree._Element]:
    return {el.get("id"): el for process in root.iter(f"{_B}process") for el in process.iter()
            if isinstance(el.tag, str) and el.tag.startswith(_B) and el.get("id") and el is not process
            and etree.QName(el).localname not in ("laneSet",)}


def _entry(el: etree._Element, changes: tuple[PropertyChange, ...] = ()) -> ElementChange:
    return ElementChange(el.get("id"), "bpmn:" + etree.QName(el).localname, el.get("name") or "", changes)


def diff_versions(old_xml: str, new_xml: str, old_forms: dict | None = None, new_forms: dict | None = None,
                  old_dmn: list[str] | None = None, new_dmn: list[str] | None = None,
                  labels: tuple[str, str] = ("old", "new")) -> VersionDiff:
    """Two deployed versions compared element by element, with their forms, decision tables and XML."""
    old, new = _elements(_root(old_xml)), _elements(_root(new_xml))
    changed = []
    for eid in sorted(old.keys() & new.keys()):
        a, b = _properties(old[eid]), _properties(new[eid])
        if old[eid].tag != new[eid].tag:
            a["type"], b["type"] = etree.QName(old[eid]).localname, etree.QName(new[eid]).localname
        props = tuple(PropertyChange(k, a.get(k), b.get(k)) for k in sorted(a.keys() | b.keys())
                      if a.get(k) != b.get(k))
        if props:
            changed.append(_entry(new[eid], props))
    old_forms, new_forms = old_forms or {}, new_forms or {}
    lines = difflib.unified_diff(old_xml.splitlines(), new_xml.splitlines(), *labels, lineterm="", n=2)
    return VersionDiff(
        added=[_entry(new[e]) for e in sorted(new.keys() - old.keys())],
        removed=[_entry(old[e]) for e in sorted(old.keys() - new.keys())],
        changed=changed, xml_diff="\n".join(lines),
        forms_changed=sorted(k for k in old_forms.keys() | new_forms.keys() if old_forms.get(k) != new_forms.get(k)),
        decisions_changed=(old_dmn or []) != (new_dmn or []))
