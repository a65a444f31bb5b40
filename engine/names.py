"""Element names in the reader's language.

A BPMN element carries one `name`; OpsFlow adds its names in other languages as extension elements in its own
namespace, which any BPMN tool keeps and ignores:

    <bpmn:userTask id="Task_manager_approval" name="Department manager approval">
      <bpmn:extensionElements>
        <opsflow:name lang="zh_CN">部门经理审批</opsflow:name>
      </bpmn:extensionElements>
    </bpmn:userTask>

The names come from the deployed version's own XML, so a step renamed in a later version reads as each version
names it, in every language.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from lxml import etree

NAMESPACE = "http://opsflow.example/bpmn/schema/1.0"
_NAME = f"{{{NAMESPACE}}}name"
_EXTENSIONS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}extensionElements"
# Loop variables of a multi-instance task carry a variable's name, not a name for people.
_NOT_FOR_PEOPLE = {"inputDataItem", "outputDataItem"}


def _parse(xml: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(xml.encode(), parser)


def _named(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str) and el.get("id") and el.get("name")
            and etree.QName(el).localname not in _NOT_FOR_PEOPLE]


def _translations(el: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for ext in el.findall(_EXTENSIONS):
        for name in ext.findall(_NAME):
            if name.get("lang") and (name.text or "").strip():
                found[name.get("lang")] = name.text.strip()
    return found


@lru_cache(maxsize=64)
def all_names(xml: str) -> dict[str, dict[str, str]]:
    """Element id → {"": its `name`, language → its name in that language} for every named element."""
    return {el.get("id"): {"": el.get("name"), **_translations(el)} for el in _named(_parse(xml))}


def pick(names: dict[str, str], language: str | None) -> str:
    """One element's name for a reader: in their language ("zh_CN"; else any of the same base language, "zh"),
    else its `name`."""
    if language:
        if language in names:
            return names[language]
        base = language.split("_")[0]
        same = sorted(lang for lang in names if lang and lang.split("_")[0] == base)
        if same:
            return names[same[0]]
    return names.get("", "")


def names_in(xml: str, language: str | None) -> dict[str, str]:
    """Element id → name in `language` (falling back to the element's `name`)."""
    return {element_id: pick(names, language) for element_id, names in all_names(xml).items()}


def with_names_in(xml: str, language: str | None, *,
                  otherwise: Callable[[etree._Element, str], str] | None = None) -> bytes:
    """The diagram with each element's `name` replaced by its name in `language`, for showing it to a reader.

    An element without a name in that language keeps its `name`, or gets `otherwise(element, name)` — the caller's
    own translation (a catalog, a group's label for a lane)."""
    root = _parse(xml)
    for el in _named(root):
        own = pick(_translations(el), language)
        if own:
            el.set("name", own)
        elif otherwise is not None:
            el.set("name", otherwise(el, el.get("name")))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
