"""Every named element of every shipped flow carries its name in both languages, and engine.names reads them:
a reader in Chinese never meets an English step, a gateway or a flow label on any of the shipped flows."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from engine import names

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FLOWS = sorted(PROCESSES.glob("*/*.bpmn"))
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FOR_PEOPLE = ("task", "Task", "Event", "Gateway", "lane", "sequenceFlow", "process", "participant")


def test_every_shipped_flow_is_checked() -> None:
    assert {p.stem for p in FLOWS} == {"expense_reimbursement", "hiring", "monthly_report", "order_handling",
                                       "performance_review", "production_order", "purchase_approval",
                                       "supplier_onboarding"}


@pytest.mark.parametrize("bpmn", FLOWS, ids=lambda p: p.stem)
def test_every_named_element_has_an_english_and_a_chinese_name(bpmn: Path) -> None:
    xml = bpmn.read_text(encoding="utf-8")
    carried = names.all_names(xml)
    named = [el for el in etree.fromstring(xml.encode()).iter() if isinstance(el.tag, str)
             and el.tag.startswith(BPMN) and el.get("name") and el.tag.endswith(FOR_PEOPLE)]
    assert len(named) > 5
    for el in named:
        both = carried[el.get("id")]
        assert not CHINESE.search(both[""]), f"{el.get('id')}: its name is the English one"
        assert CHINESE.search(both.get("zh_CN", "")), f"{el.get('id')} ({both['']}) has no Chinese name"


def test_a_reader_gets_the_name_of_their_language_and_the_name_where_there_is_none() -> None:
    xml = (PROCESSES / "order_handling" / "order_handling.bpmn").read_text(encoding="utf-8")
    zh, en = names.names_in(xml, "zh_CN"), names.names_in(xml, "en")
    step = next(i for i, n in en.items() if n == "Confirm customer payment")
    assert zh[step] == "确认客户付款"
    assert names.pick({"": "Plain"}, "zh_CN") == "Plain" and names.pick({"": "A", "zh_CN": "甲"}, "zh") == "甲"


def test_a_diagram_for_a_chinese_reader_has_chinese_names_and_everything_else_unchanged() -> None:
    xml = (PROCESSES / "purchase_approval" / "purchase_approval.bpmn").read_text(encoding="utf-8")
    shown = etree.fromstring(names.with_names_in(xml, "zh_CN", otherwise=lambda _el, name: f"?{name}"))
    task = shown.find(f".//{BPMN}userTask[@id='Task_manager_approval']")
    assert task.get("name") == "部门经理审批"
    assert not [el.get("id") for el in shown.iter() if isinstance(el.tag, str) and (el.get("name") or "")
                .startswith("?") and el.tag.endswith(FOR_PEOPLE)], "every element had its own Chinese name"
    english = etree.fromstring(names.with_names_in(xml, "en"))
    assert english.find(f".//{BPMN}userTask[@id='Task_manager_approval']").get("name") == \
        "Department manager approval"
    assert len(list(shown.iter())) == len(list(english.iter())), "only names change"
