"""A process designer opens each shipped flow in the modeler, edits a task in the properties panel, is shown
what is wrong, and deploys a new version, all in a real browser."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_steps import open_budget_check_in_designer, sign_in
from lxml import etree
from playwright.sync_api import Page, expect

from engine import Bundle, ServiceRegistry
from engine.definitions import DefinitionStore
from engine.parser import SourceFile
from engine.serializer import StateSerializer
from modules import register_all

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
PROCESSES = Path(__file__).resolve().parents[2] / "processes"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
OPSFLOW = "{http://opsflow.example/bpmn/schema/1.0}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
READ_BY_THE_ENGINE = (f"{BPMN}script", f"{BPMN}conditionExpression", f"{BPMN}timeDuration", f"{BPMN}timeDate",
                      f"{BPMN}timeCycle", f"{BPMN}loopCardinality", f"{BPMN}completionCondition",
                      f"{BPMN}loopDataInputRef", f"{BPMN}loopDataOutputRef",
                      f"{SPIFF}postScript", f"{SPIFF}preScript", f"{SPIFF}calledDecisionId")


def open_designer(page: Page, key: str) -> None:
    page.goto(f"/designer/{key}")
    expect(page.get_by_test_id("designer-canvas")).to_have_attribute("data-ready", "true")


def what_the_engine_reads(xml: bytes) -> set[tuple[str, ...]]:
    """Every value in a diagram that changes how the flow runs, keyed by the element it belongs to."""
    root = etree.fromstring(xml)
    found: set[tuple[str, ...]] = set()
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        owner = next((a.get("id") for a in node.iterancestors() if a.get("id")), "")
        if node.tag == f"{SPIFF}property":
            found.add((owner, "property", node.get("name"), node.get("value")))
        elif node.tag == f"{SPIFF}serviceTaskOperator":
            found.add((owner, "operator", node.get("id"), node.get("resultVariable") or ""))
        elif node.tag == f"{SPIFF}parameter":
            found.add((owner, "parameter", node.get("id"), node.get("type"), node.get("value")))
        elif node.tag == f"{OPSFLOW}name":  # read by people: an element's name in another language
            found.add((owner, "name", node.get("lang"), (node.text or "").strip()))
        elif node.tag in READ_BY_THE_ENGINE:
            found.add((node.getparent().get("id") or owner, node.tag, (node.text or "").strip()))
        elif node.tag.startswith(BPMN) and node.get("id"):
            found.add((node.get("id"), node.tag, node.get("name") or "", node.get("default") or "",
                       node.get("sourceRef") or "", node.get("targetRef") or "", node.get("attachedToRef") or ""))
    return found


def test_every_shipped_flow_survives_a_round_trip_through_the_modeler(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "dave")
    store = DefinitionStore(register_all(ServiceRegistry()), StateSerializer())
    for bpmn in sorted(PROCESSES.glob("*/*.bpmn")):
        key = etree.parse(str(bpmn)).getroot().find(f"{BPMN}process").get("id")
        open_designer(page, key)
        saved = page.evaluate("async () => (await window.opsflowModeler.saveXML({format: true})).xml").encode()

        assert what_the_engine_reads(saved) == what_the_engine_reads(bpmn.read_bytes()), bpmn.name
        bundle = Bundle.from_path(bpmn)
        parsed = store.check(Bundle(SourceFile(bpmn.name, saved), bundle.dmn, bundle.forms))
        assert [p.key for p in parsed] == [key]


def test_designer_edits_a_task_is_told_what_is_wrong_and_deploys(new_page: NewPage) -> None:
    page = new_page()
    panel = open_budget_check_in_designer(page)
    expect(panel.get_by_test_id("designer-element-type")).to_have_text("Service task")
    expect(panel.locator('[data-field="operation"]')).to_have_value("finance.check_budget")
    panel.locator('[data-field="parameters"]').fill("department = department\namount = amount *")
    panel.locator('[data-field="result"]').click()  # leaving the field applies it
    page.get_by_test_id("designer-check").click()
    problem = page.get_by_test_id("designer-problems").locator("li").first
    expect(problem).to_contain_text("Task_check_budget")
    expect(page.locator('g[data-element-id="Task_check_budget"].opsflow-problem')).to_have_count(1)

    page.locator('g[data-element-id="Task_check_budget"]').click()  # the canvas takes the keyboard
    page.keyboard.press("Control+z")  # undo the broken parameter through the modeler's command stack
    page.locator('g[data-element-id="Task_check_budget"]').click()
    expect(panel.locator('[data-field="parameters"]')).to_have_value("department = department\namount = amount")
    canvas = page.get_by_test_id("designer-canvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] - 10})  # empty canvas: the selection's pad closes
    page.locator('g[data-element-id="Task_manager_approval"]').click()
    expect(panel.locator('[data-field="due_in"]')).to_have_value("P2D")
    panel.locator('[data-field="due_in"]').fill("P1D")
    panel.locator('[data-field="name"]').click()
    page.get_by_test_id("designer-check").click()
    expect(page.get_by_test_id("designer-status")).to_have_text("No problems found.")
    page.get_by_test_id("designer-deploy").click()
    expect(page.get_by_test_id("designer-status")).to_have_text("Deployed as version 2.")
    expect(page).to_have_url(re.compile(r"/designer/purchase_approval\?version=2"))

    deployed = page.request.get("/designer/purchase_approval/v2.bpmn").text()
    task = etree.fromstring(deployed.encode()).find(f".//{BPMN}userTask[@id='Task_manager_approval']")
    assert {p.get("name"): p.get("value") for p in task.iter(f"{SPIFF}property")}["due_in"] == "P1D"


def test_the_align_menu_draws_its_icons_under_the_content_security_policy(new_page: NewPage) -> None:
    """bpmn-js writes these icons with style attributes: the one thing the designer's policy allows beyond the
    others (the fixture fails the test if the browser blocks any of it)."""
    page = new_page()
    sign_in(page, "dave")
    open_designer(page, "purchase_approval")
    page.evaluate("""() => {
      const modeler = window.opsflowModeler;
      const tasks = modeler.get('elementRegistry').filter(e => e.type === 'bpmn:UserTask').slice(0, 2);
      modeler.get('selection').select(tasks);
    }""")
    page.locator('.djs-context-pad .entry[data-action="align-elements"]').click()
    icon = page.locator('.djs-popup [data-id="align-elements-left"] svg line').first
    expect(icon).to_have_css("stroke-width", "100px")
