"""Module records in a real browser: find a supplier, export the list, import a spreadsheet."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from browser_steps import sign_in
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def test_find_a_supplier_and_export_the_list(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "henry")  # a buyer
    page.get_by_test_id("nav-records").click()
    page.get_by_test_id("records-suppliers").click()
    page.get_by_test_id("search").fill("huawei")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("record-row")).to_have_count(1)
    page.get_by_test_id("record-row").locator("a").first.click()
    expect(page.get_by_test_id("record-title")).to_contain_text("S-003")
    page.go_back()
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename == "suppliers.xlsx"
    with open(download.value.path(), "rb") as fh:
        rows = list(load_workbook(fh).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["S-003"], "the export keeps the search"


def test_import_reports_bad_rows_then_imports_the_valid_ones(new_page: NewPage, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name", "segment", "credit_limit"])
    ws.append(["C900", "广州新星贸易", "sme", 40000])
    ws.append(["C901", "", "sme", "lots"])
    path = tmp_path / "customers.xlsx"
    wb.save(path)

    page = new_page()
    sign_in(page, "erin")
    page.goto("/sales/customers")
    page.get_by_test_id("import").click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("Nothing was imported")
    refused = page.locator("[data-testid=rejected-row][data-row='3']")
    expect(refused).to_contain_text("Name: This field is required.")
    expect(refused).to_contain_text("Credit limit: “lots” is not a number.")

    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("input[value=valid_rows]").check()
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 created, 0 updated, 1 rejected of 2 rows.")
    page.goto("/sales/customers?q=C900")
    expect(page.get_by_test_id("record-row")).to_have_count(1)
