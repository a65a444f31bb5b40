"""The manuals' pictures, taken here from the real screens, and the manuals as a reader opens them.

Every run takes every picture again (docs/manual/screenshots/<language>/), in both languages, as
the person of the demo company who works that screen: a picture cannot show a screen that no
longer looks like it. Each shot first waits for what the manual says is on the screen.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from browser_steps import signed_in
from playwright.sync_api import Page, expect

from webui.help.manual import ROLES, SCREENSHOTS, pictures, source

NewPage = Callable[..., Page]
LANGUAGES = {"zh-CN": "zh_CN", "en-US": "en"}
VIEWPORT = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Shot:
    user: str
    path: str
    ready: str  # a test id on the screen that must be shown before the picture is taken
    attribute: tuple[str, str] | None = None  # (name, value) the ready element must carry first


SHOTS = {
    "requester-new.jpg": Shot("alice", "/requests/new", "request-form"),
    "requester-mine.jpg": Shot("alice", "/requests", "request-table"),
    "approver-inbox.jpg": Shot("bob", "/inbox", "task-table"),
    "approver-task.jpg": Shot("bob", "first task", "task-title"),
    "designer-list.jpg": Shot("dave", "/designer/", "designer-processes"),
    "designer-edit.jpg": Shot("dave", "/designer/purchase_approval", "designer-canvas", ("data-ready", "true")),
    "manager-monitor.jpg": Shot("bob", "/monitor/", "steps"),
    "manager-heatmap.jpg": Shot("bob", "/monitor/heatmap?process=purchase_approval&days=365", "heatmap",
                                ("data-ready", "true")),
    "administrator-people.jpg": Shot("admin", "/admin/people", "people"),
    "administrator-incidents.jpg": Shot("admin", "/admin/incidents", "tab-incidents"),
    "administrator-audit.jpg": Shot("admin", "/admin/audit", "audit-filters"),
}


def _shown(manual_language: str) -> set[str]:
    return {p for role in ROLES for p in pictures(source(manual_language, role).read_text(encoding="utf-8"))}


@pytest.mark.parametrize("language", sorted(set(LANGUAGES.values())))
def test_every_picture_a_manual_shows_is_one_this_test_takes(language: str) -> None:
    assert _shown(language) == set(SHOTS)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_pictures_are_taken_from_the_real_screens(new_page: NewPage, locale: str) -> None:
    folder = SCREENSHOTS / LANGUAGES[locale]
    folder.mkdir(parents=True, exist_ok=True)
    pages: dict[str, Page] = {}
    for name, shot in SHOTS.items():
        page = pages.get(shot.user) or pages.setdefault(shot.user, signed_in(new_page, shot.user, locale,
                                                                             viewport=VIEWPORT))
        if shot.path == "first task":
            page.goto("/inbox")
            page.get_by_test_id("task-row").first.locator("a").first.click()
        else:
            page.goto(shot.path)
        ready = page.get_by_test_id(shot.ready).first
        expect(ready).to_be_visible()
        if shot.attribute:
            expect(ready).to_have_attribute(*shot.attribute, timeout=15000)
        (folder / name).unlink(missing_ok=True)
        page.screenshot(path=str(folder / name), type="jpeg", quality=60)
        assert (folder / name).stat().st_size > 10_000, f"{name} came out blank"


@pytest.mark.parametrize(("locale", "heading", "approver"),
                         [("zh-CN", "帮助", "审批人"), ("en-US", "Help", "Approver")])
def test_the_help_link_opens_the_manuals_in_the_readers_language(new_page: NewPage, locale: str, heading: str,
                                                                 approver: str) -> None:
    page = signed_in(new_page, "bob", locale)
    page.get_by_test_id("nav-help").click()
    expect(page.locator("h1")).to_have_text(heading)
    manuals = page.get_by_test_id("manuals")
    expect(manuals.locator("li")).to_have_count(len(ROLES))
    expect(manuals.locator("li").first.locator(".badge")).to_be_visible()  # bob's own manuals come first
    page.get_by_test_id("manual-approver").click()
    manual = page.get_by_test_id("manual")
    expect(manual.locator("h1")).to_contain_text(approver)
    images = manual.locator("img")
    expect(images).to_have_count(2)
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        expect(images.nth(i)).to_have_js_property("complete", True)
        assert images.nth(i).evaluate("img => img.naturalWidth") > 0, "a picture of the manual did not load"
    manual.get_by_role("link").first.click()  # "see also": the requester's manual
    expect(page).to_have_url(re.compile(r"/help/requester$"))
