"""At phone width (390 px) the new-request form and its lines table fit the screen: nothing wider than the
viewport, no zooming out, and amounts and item names are not broken one character per line."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from browser_steps import signed_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]
PHONE = {"width": 390, "height": 844}
# the widest element, and any text cell whose text is broken into lines of one or two characters
MEASURE = """() => {
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
    .map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')).slice(0, 5);
  const narrow = [...document.querySelectorAll('td, th, input, output, label')].filter(e => {
    const style = getComputedStyle(e), line = parseFloat(style.lineHeight) || 20;
    return e.innerText && e.innerText.trim().length > 3 && e.clientWidth < 3 * parseFloat(style.fontSize)
      && e.scrollHeight > 2.5 * line;
  }).map(e => e.tagName + ':' + e.innerText.trim().slice(0, 12));
  return {scroll: document.documentElement.scrollWidth, wide, narrow};
}"""


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_new_request_form_fits_a_phone(new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "alice", locale, viewport=PHONE)
    page.get_by_test_id("nav-new").click()
    page.locator("#f-supplier").fill("联想 Lenovo 中国有限公司")
    page.locator("#f-lines-1-item_code").fill("MON-27")
    page.locator("#f-lines-1-item").fill("27英寸 4K 显示器（含升降支架）")
    page.locator("#f-lines-1-quantity").fill("12")
    page.locator("#f-lines-1-unit_price").fill("12345.67")
    expect(page.get_by_test_id("amount")).to_contain_text("148,148.04")
    measured = page.evaluate(MEASURE)
    assert measured["scroll"] <= PHONE["width"], f"the page is {measured['scroll']} px wide: {measured['wide']}"
    assert measured["narrow"] == [], "text broken one character per line"
    for field in ("#f-lines-1-item", "#f-lines-1-quantity", "#f-lines-1-unit_price", "#f-reason"):
        box = page.locator(field).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{field} runs off the screen"
        assert box["width"] >= 60, f"{field} is too narrow to read: {box['width']} px"
