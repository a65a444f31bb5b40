"""A step renamed in a new version reaches people: instances on the new version show the new name in the inbox,
on the task and in the steps and history; instances on the old version keep the name they were started with."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_steps import signed_in
from flask import Flask
from playwright.sync_api import Page, expect

from webui.demo_people import demo_actor
from webui.extensions import workflow_engine

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
ROOT = Path(__file__).resolve().parents[2]
RENAMED = {"zh-CN": "经理签批", "en-US": "Manager sign-off"}
OLD = {"zh-CN": "部门经理审批", "en-US": "Department manager approval"}


def _request(item: str) -> dict:
    return {"supplier": "Dell China", "reason": "team growth", "department": "IT",
            "lines": [{"item": item, "quantity": 2, "unit_price": 3000.0}]}


@pytest.fixture(scope="module")
def instances(served_app: tuple[str, Flask], tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """One request on version 1, then the manager's step renamed and deployed as version 2, and one on it."""
    _, app = served_app
    folder = tmp_path_factory.mktemp("renamed") / "purchase_approval"
    shutil.copytree(ROOT / "processes" / "purchase_approval", folder)
    bpmn = folder / "purchase_approval.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="Department manager approval"', f'name="{RENAMED["en-US"]}"')
                    .replace(f'<opsflow:name lang="zh_CN">{OLD["zh-CN"]}</opsflow:name>',
                             f'<opsflow:name lang="zh_CN">{RENAMED["zh-CN"]}</opsflow:name>'))
    with app.app_context():
        engine = workflow_engine()
        old = engine.start("purchase_approval", _request("Old-version laptop"), demo_actor("alice")).id
        [result] = engine.deploy_path(folder.parent)
        assert result.created and result.version == 2
        new = engine.start("purchase_approval", _request("New-version laptop"), demo_actor("alice")).id
    return {"old": old, "new": new}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_each_instance_names_its_steps_as_its_own_version_does(new_page: NewPage, instances: dict[str, int],
                                                              locale: str) -> None:
    page = signed_in(new_page, "bob", locale)
    page.get_by_test_id("tab-group").click()
    new_row = page.get_by_test_id("task-row").filter(has_text="New-version laptop")
    old_row = page.get_by_test_id("task-row").filter(has_text="Old-version laptop")
    expect(new_row).to_contain_text(RENAMED[locale])
    expect(old_row).to_contain_text(OLD[locale])
    expect(old_row).not_to_contain_text(RENAMED[locale])

    new_row.locator("a.row-title").click()
    expect(page.locator(".crumbs")).to_contain_text(RENAMED[locale])

    page.goto(f"/instances/{instances['new']}")
    expect(page.get_by_test_id("step-row").filter(has_text=RENAMED[locale])).to_have_count(1)
    expect(page.get_by_test_id("history").locator("li[data-kind=task_created]")).to_contain_text(RENAMED[locale])
    page.goto(f"/instances/{instances['old']}")
    expect(page.get_by_test_id("step-row").filter(has_text=OLD[locale])).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(RENAMED[locale])


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_monitor_counts_a_renamed_step_under_each_name(new_page: NewPage, instances: dict[str, int],
                                                           locale: str) -> None:
    page = signed_in(new_page, "bob", locale)
    page.goto("/monitor/?process=purchase_approval")
    rows = page.get_by_test_id("steps").get_by_test_id("step-row")
    renamed = rows.filter(has_text=RENAMED[locale])
    expect(renamed).to_have_count(1)
    expect(renamed.locator("td").nth(3)).to_have_text("1")  # the one request on version 2, waiting
    expect(rows.filter(has_text=OLD[locale])).to_have_count(1)  # version 1's requests, under their own name
    old_open = int(rows.filter(has_text=OLD[locale]).locator("td").nth(3).inner_text())
    assert old_open >= 1
