"""The managers' monitor: figures from real flows, access, filters and the Excel export."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask.testing import FlaskClient
from openpyxl import load_workbook

Login = Callable[..., FlaskClient]


def test_manager_sees_steps_cycles_and_workload(login: Login) -> None:
    html = login("bob").get("/monitor/?days=30").get_data(as_text=True)
    assert 'data-testid="kpi-started">4<' in html  # the demo company's four requests
    assert 'data-testid="kpi-completed">2<' in html and 'data-testid="kpi-open">2<' in html
    steps = html.split('data-testid="steps"')[1].split("</table>")[0]
    assert "Department manager approval" in steps and "Finance director approval" in steps
    assert "IT managers" in html and "Finance directors" in html
    assert 'id="monitor-data"' in html and "chart.umd.min.js" in html


def test_process_filter_narrows_the_figures(login: Login) -> None:
    html = login("bob").get("/monitor/?days=7&process=no_such_process").get_data(as_text=True)
    assert 'data-testid="kpi-started">0<' in html and "No tasks in this period." in html


def test_requesters_may_not_see_it_and_bad_filters_are_named(login: Login) -> None:
    assert login("alice").get("/monitor/").status_code == 403
    response = login("bob").get("/monitor/?days=13")
    assert response.status_code == 400 and "days must be one of 7, 30, 90, 365" in response.get_data(as_text=True)


def test_export_is_a_workbook_with_the_same_figures(login: Login) -> None:
    response = login("admin").get("/monitor/export.xlsx?days=30")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Steps", "Cycle times", "Workload", "Per day"]
    steps = {row[1]: row for row in book["Steps"].iter_rows(min_row=2, values_only=True)}
    assert steps["Department manager approval"][2:4] == (3, 1)  # completed, open
    [cycle] = list(book["Cycle times"].iter_rows(min_row=2, values_only=True))
    assert cycle[1:4] == (4, 2, 2)
    assert book["Per day"].max_row == 32  # header and 31 days
