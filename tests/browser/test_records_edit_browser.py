"""Master data on a form in a real browser, in English and Chinese: a procurement manager adds a supplier, the
warehouse changes an item, both show in their lists and on the audit screen; a buyer is refused the forms."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_steps import signed_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


@pytest.mark.parametrize(("locale", "code", "new", "save", "saved"), [
    ("en-US", "S-801", "New", "Save", "Saved S-801."),
    ("zh-CN", "S-802", "新建", "保存", "已保存 S-802。"),
])
def test_a_procurement_manager_creates_a_supplier_and_sees_it_listed_and_audited(
        new_page: NewPage, locale: str, code: str, new: str, save: str, saved: str) -> None:
    page = signed_in(new_page, "ivy", locale)
    page.goto("/procurement/suppliers")
    expect(page.get_by_test_id("new-record")).to_have_text(new)
    page.get_by_test_id("new-record").click()
    page.get_by_test_id("field-code").fill(code)
    page.get_by_test_id("field-name").fill("")
    page.get_by_test_id("field-category").select_option("logistics")
    page.get_by_test_id("field-email").fill("no-at-sign")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("error-name")).to_be_visible()
    expect(page.get_by_test_id("error-email")).to_be_visible()
    page.get_by_test_id("field-name").fill("顺丰速运 " + code)
    page.get_by_test_id("field-email").fill("ops@sf.example")
    page.get_by_test_id("field-rating").select_option("5")
    page.get_by_test_id("field-status").select_option("active")
    page.get_by_role("button", name=save).click()
    expect(page.get_by_test_id("record-title")).to_contain_text(code)
    expect(page.locator("body")).to_contain_text(saved)
    page.goto(f"/procurement/suppliers?q={code}")
    expect(page.get_by_test_id("record-row")).to_have_count(1)
    expect(page.get_by_test_id("record-row")).to_contain_text("顺丰速运")

    admin = signed_in(new_page, "admin", locale)
    admin.goto("/admin/audit?action=records.&target=procurement.suppliers")
    row = admin.locator("[data-testid=audit-row][data-action='records.create']").filter(has_text=code).first
    expect(row).to_contain_text("ivy")
    expect(row.locator("[data-testid=audit-change][data-field=name]")).to_contain_text("→ 顺丰速运 " + code)


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_warehouse_edits_an_item_and_the_audit_screen_shows_old_and_new(new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "grace", locale)
    page.goto("/inventory/items")
    page.get_by_test_id("record-row").first.locator("a").first.click()
    code = page.get_by_test_id("record-title").inner_text().split("·")[-1].strip()
    page.get_by_test_id("edit-record").click()
    expect(page.get_by_test_id("field-code")).to_have_attribute("readonly", "")
    old = page.get_by_test_id("field-name").input_value()
    renamed = f"{old} ({locale})"
    page.get_by_test_id("field-name").fill(renamed)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("record-title")).to_contain_text(code)
    page.goto(f"/inventory/items?q={code}")
    expect(page.get_by_test_id("record-row").first).to_contain_text(renamed)

    admin = signed_in(new_page, "admin", locale)
    admin.goto("/admin/audit?action=records.&target=inventory.items")
    change = admin.locator("[data-testid=audit-row][data-action='records.edit']").first
    expect(change.locator("[data-testid=audit-change][data-field=name]")).to_have_text(f"name {old} → {renamed}")


def test_a_buyer_sees_no_forms_and_is_refused_them(new_page: NewPage) -> None:
    page = signed_in(new_page, "henry")
    page.goto("/procurement/suppliers")
    expect(page.get_by_test_id("record-row").first).to_be_visible()
    expect(page.get_by_test_id("new-record")).to_have_count(0)
    assert page.goto("/procurement/suppliers/new").status == 403
    assert page.goto("/procurement/suppliers/item/S-001/edit").status == 403


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_purchase_request_suggests_suppliers_from_the_master_with_their_rating(
        new_page: NewPage, locale: str) -> None:
    page = signed_in(new_page, "alice", locale)
    page.goto("/requests/new")
    supplier = page.locator("#f-supplier")
    expect(supplier).to_have_attribute("list", "supplier-options")
    supplier.fill("S-003")
    option = page.locator("#supplier-options option")
    expect(option).to_have_count(1)
    name = option.get_attribute("value")
    assert name and "S-003" in (option.get_attribute("label") or "")
    supplier.fill(name)
    expect(page.get_by_test_id("supplier-rating")).to_have_text(re.compile(r"^S-003 · [★☆]{5}$"))
    supplier.fill("A supplier not in the list")  # the field stays free text, as the form declares
    expect(page.get_by_test_id("supplier-rating")).to_have_text("")
