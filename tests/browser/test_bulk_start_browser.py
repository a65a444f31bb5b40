"""Starting many purchase requests from a sheet in a real browser: upload, progress, result sheet."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_steps import sign_in
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine import ProcessInstance, utcnow
from webui.extensions import db

pytestmark = pytest.mark.browser
NewPage = Callable[..., Page]


def test_a_sheet_of_three_with_one_bad_row_starts_two_and_names_the_bad_column(
        new_page: NewPage, live_app: Any, tmp_path: Path) -> None:
    page = new_page()
    sign_in(page, "alice")
    page.goto("/requests/new")
    page.get_by_test_id("start-many").click()
    expect(page.get_by_test_id("bulk-lines-layout")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("bulk-template").click()
    with open(download.value.path(), "rb") as fh:
        headers = next(load_workbook(fh).worksheets[0].iter_rows(values_only=True))
    column = {header.rsplit("[", 1)[1].rstrip("]"): n for n, header in enumerate(headers)}

    book = Workbook()
    book.active.append(headers)
    for supplier, item, quantity in [("ACME", "Laptop", 2), ("IKEA", "Chair", "many"), ("Huawei", "Phone", 1)]:
        row: list[Any] = [None] * len(headers)
        row[column["supplier"]], row[column["reason"]] = supplier, "new hires"
        row[column["lines.item"]], row[column["lines.quantity"]], row[column["lines.unit_price"]] = item, quantity, 100
        book.active.append(row)
    sheet = tmp_path / "requests.xlsx"
    book.save(sheet)

    page.locator("input[type=file]").set_input_files(str(sheet))
    page.get_by_test_id("bulk-submit").click()
    progress = page.get_by_test_id("bulk-progress")
    expect(progress).to_have_attribute("data-total", "3")
    expect(page.get_by_test_id("bulk-bar")).to_be_visible()
    job_id = int(page.url.rstrip("/").split("/")[-1])

    live_app.extensions["opsflow.scheduler"].runner.run_due(utcnow() + timedelta(seconds=1), "browser-test")
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 started, 1 not started", timeout=10000)
    expect(progress).to_have_attribute("data-done", "3")
    with page.expect_download() as download:
        page.get_by_test_id("bulk-result").click()
    with open(download.value.path(), "rb") as fh:
        rows = list(load_workbook(fh).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [2, 3, 4]
    assert rows[1][2] and rows[3][2] and rows[2][2] is None
    assert headers[column["lines.quantity"]] in rows[2][3], "the bad row names its column"
    with live_app.app_context():
        started = db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.business_key.like(f"bulk:{job_id}:%")))
    assert started == 2
